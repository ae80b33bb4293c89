"""Objections to an applicant on a notice: one feature for both notices.

The employer's internal notice (``applications.services.employer``) and the bureau's public
notice (``bureau.services``) each say who raises objections and what upholding one does; storing
the evidence and deciding an objection are the same steps for both, here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.enums import ObjectionStatus
from applications.errors import ChangedMeanwhile, NotAllowed
from applications.models import Application, Objection
from applications.services.base import decision_reason
from applications.uploads import CheckedUpload
from titles.audit import audit_record


@dataclass(frozen=True)
class NoticeObjections:
    """How one notice's objections are decided.

    ``audit_prefix`` names the notice in the audit trail (``<prefix>.objection_upheld``);
    ``may_decide(actor, application)`` is who decides (else ``NotAllowed``); ``decidable(actor,
    application)`` whether the notice still lets them (else ``ChangedMeanwhile``: it moved on);
    ``uphold(application=, objection=, actor=, reason=)`` is what upholding does to the
    application, in the deciding transaction (the notice's own transition).
    """

    audit_prefix: str
    may_decide: Callable
    decidable: Callable
    uphold: Callable


def objection_evidence_attach(
    objection: Objection, *, checked: CheckedUpload | None, stored: list
) -> None:
    """Store the checked evidence file (under its random name) with the unsaved objection;
    ``stored`` collects it, to be deleted if the objection is not written after all."""
    if checked is None:
        return
    # The checked content, not the upload: images are stored as re-encoded by the gate.
    objection.evidence.save(checked.storage_name, checked.file(), save=False)
    stored.append(objection.evidence)
    objection.evidence_name = checked.display_name


def objection_decide(
    *, objection: Objection, actor, uphold: bool, reason: str, notice: NoticeObjections
) -> Objection:
    """Uphold or dismiss an open objection with a reason, on either notice.

    Locks the application, then the objection; records the decision and audits it on the
    application (``<notice>.objection_upheld`` / ``_dismissed``); upholding runs the notice's
    ``uphold`` in the same transaction. Returns the objection as decided.
    """
    reason = decision_reason(reason, missing=_("Give the reason for the decision."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=objection.application_id)
        locked = type(objection).objects.select_for_update().get(pk=objection.pk)
        if not notice.may_decide(actor, application):
            raise NotAllowed
        if not locked.is_open or not notice.decidable(actor, application):
            raise ChangedMeanwhile
        locked.status = ObjectionStatus.UPHELD if uphold else ObjectionStatus.DISMISSED
        locked.decision_reason = reason
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            action=f"{notice.audit_prefix}.objection_{'upheld' if uphold else 'dismissed'}",
            obj=application,
            reason=reason,
            data={"objection": locked.audit_reference},
        )
        if uphold:
            notice.uphold(application=application, objection=locked, actor=actor, reason=reason)
    return locked
