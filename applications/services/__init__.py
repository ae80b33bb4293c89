"""Writes to applications: every change goes through one of these services.

Each transition service runs its change inside ``with application_transition(...) as locked:``
(``applications.services.base``), which locks the row, checks the expected version (optimistic
locking against a stale page), checks the permission, runs the pure ``@transition`` method; the
block writes the service's own rows; then the version is bumped, the row saved and the transition
audited. Side effects wait for ``transaction.on_commit`` (through the notifications outbox).
"""

from applications.services.base import (
    agency_staff,
    anyone,
    application_locked,
    application_transition,
    decision_reason,
    reviewers_of,
    tell,
)
from applications.services.drafts import application_create, application_update
from applications.services.eligibility import (
    SUPPLEMENT_DEFAULT_WORKING_DAYS,
    agency_officer_assign,
    eligibility_accept,
    eligibility_reject,
    supplement_answer,
    supplement_request,
)
from applications.services.employer import (
    MIN_NOTICE_WORKING_DAYS,
    application_decline,
    application_recommend,
    internal_notice_open,
    internal_notice_period,
    internal_notice_text,
    internal_objection_decide,
    internal_objection_raise,
    notice_end_text,
)
from applications.services.materials import material_delete, material_upload
from applications.services.objections import (
    NoticeObjections,
    objection_decide,
    objection_evidence_attach,
)
from applications.services.recommenders import (
    RECOMMENDER_TOKEN_SALT,
    recommender_confirmed,
    recommender_decline,
    recommender_from_token,
    recommender_invite,
    recommender_remind,
    recommender_replace,
    recommender_respond,
    recommender_send_code,
    recommender_token,
    recommender_verify_code,
)
from applications.services.transitions import (
    application_resubmit,
    application_return,
    application_submit,
    application_withdraw,
)

__all__ = [
    "MIN_NOTICE_WORKING_DAYS",
    "RECOMMENDER_TOKEN_SALT",
    "SUPPLEMENT_DEFAULT_WORKING_DAYS",
    "NoticeObjections",
    "agency_officer_assign",
    "agency_staff",
    "anyone",
    "application_create",
    "application_decline",
    "application_locked",
    "application_recommend",
    "application_resubmit",
    "application_return",
    "application_submit",
    "application_transition",
    "application_update",
    "application_withdraw",
    "decision_reason",
    "eligibility_accept",
    "eligibility_reject",
    "internal_notice_open",
    "internal_notice_period",
    "internal_notice_text",
    "internal_objection_decide",
    "internal_objection_raise",
    "material_delete",
    "material_upload",
    "notice_end_text",
    "objection_decide",
    "objection_evidence_attach",
    "recommender_confirmed",
    "recommender_decline",
    "recommender_from_token",
    "recommender_invite",
    "recommender_remind",
    "recommender_replace",
    "recommender_respond",
    "recommender_send_code",
    "recommender_token",
    "recommender_verify_code",
    "reviewers_of",
    "supplement_answer",
    "supplement_request",
    "tell",
]
