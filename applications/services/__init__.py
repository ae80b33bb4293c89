"""Writes to applications: every change goes through one of these services.

Each transition service runs :func:`applications.services.base._transition`, which locks the row,
checks the expected version (optimistic locking against a stale page), checks the permission, runs
the pure ``@transition`` method, bumps the version, saves, writes the audit event, and leaves side
effects to ``transaction.on_commit`` (through the notifications outbox).
"""

from applications.services.base import application_transition, tell
from applications.services.drafts import application_create, application_update
from applications.services.eligibility import (
    SUPPLEMENT_DEFAULT_WORKING_DAYS,
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
)
from applications.services.materials import material_delete, material_upload
from applications.services.recommenders import (
    RECOMMENDER_TOKEN_SALT,
    recommender_confirmed,
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
    "application_create",
    "application_decline",
    "application_recommend",
    "application_resubmit",
    "application_return",
    "application_submit",
    "application_transition",
    "application_update",
    "application_withdraw",
    "eligibility_accept",
    "eligibility_reject",
    "internal_notice_open",
    "internal_notice_period",
    "internal_notice_text",
    "internal_objection_decide",
    "internal_objection_raise",
    "material_delete",
    "material_upload",
    "recommender_confirmed",
    "recommender_from_token",
    "recommender_invite",
    "recommender_remind",
    "recommender_replace",
    "recommender_respond",
    "recommender_send_code",
    "recommender_token",
    "recommender_verify_code",
    "supplement_answer",
    "supplement_request",
    "tell",
]
