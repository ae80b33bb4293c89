"""The employer's (or, for a freelancer, the recommending body's) part of stage 1.

Review (return, decline, open the internal notice), objections during the notice, the sweep that
passes a notice whose period is over, and the formal recommendation to the agency.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications import permissions
from applications.enums import ApplicationState, ObjectionStatus
from applications.errors import ChangedMeanwhile, NotAllowed, RuleViolation
from applications.models import Application, InternalNotice, InternalObjection
from applications.services.base import (
    agency_staff,
    anyone,
    application_transition,
    reviewers_of,
    tell,
)
from applications.services.materials import document_check, files_removed_on_failure
from applications.services.objections import (
    NoticeObjections,
    objection_decide,
    objection_evidence_attach,
)
from titles import workdays
from titles.audit import audit_record
from titles.deadlines import deadline_close, deadline_rule_register, deadline_track
from titles.notification_kinds import deadline_context
from titles.people import is_member_of
from titles.sweep import sweeper

MIN_NOTICE_WORKING_DAYS = 5
NOTICE_DEADLINE_RULE = "internal_notice"
ELIGIBILITY_DEADLINE_RULE = "eligibility_review"

deadline_rule_register(NOTICE_DEADLINE_RULE, label=_("end of the internal notice"))
deadline_rule_register(ELIGIBILITY_DEADLINE_RULE, label=_("eligibility review deadline"))


def internal_notice_period(*, published: datetime, working_days: int) -> tuple[datetime, bool]:
    """When a notice published at ``published`` ends (rule 2), and whether that is provisional."""
    if working_days < MIN_NOTICE_WORKING_DAYS:
        raise RuleViolation(
            _("A notice lasts at least %(days)s working days.") % {"days": MIN_NOTICE_WORKING_DAYS}
        )
    deadline = workdays.deadline_compute(
        start=timezone.localdate(published), working_days=working_days
    )
    return deadline.due_at, deadline.provisional


def internal_notice_text(application: Application, *, ends_at: datetime) -> str:
    """The notice prepared from the application, in the active language; the reviewer may edit."""
    return gettext(
        "Internal public notice\n\n"
        "%(name)s of %(department)s has applied for the assessment and recognition of a senior "
        "professional title as %(category)s: %(series)s, %(discipline)s, %(level)s.\n\n"
        "The notice runs until %(end)s. Any member of the organization who objects may raise an "
        "objection on this page, under their real name, with a statement and evidence if any."
    ) % {
        "name": application.applicant.display_name,
        "department": application.department or application.employer or "",
        "category": application.get_category_display(),
        "series": application.title_series or "",
        "discipline": application.discipline or "",
        "level": application.get_level_display(),
        "end": notice_end_text(ends_at),
    }


def notice_end_text(ends_at: datetime) -> str:
    """How the prepared notice text writes its end."""
    return timezone.localtime(ends_at).strftime("%Y-%m-%d %H:%M")


def application_decline(
    *, application: Application, actor, reason: str, expected_version: int | None = None
) -> Application:
    """The reviewer declines the application with a reason (final)."""
    reason = reason.strip()
    if not reason:
        raise RuleViolation(_("Give the reason for declining."))
    with application_transition(
        application=application,
        actor=actor,
        name="decline",
        allowed=permissions.can_review,
        reason=reason,
        expected_version=expected_version,
    ) as locked:
        locked.decline_reason = reason
        tell([locked.applicant], locked, "application_declined", reason=reason)
    return locked


def internal_notice_open(
    *,
    application: Application,
    actor,
    text: str,
    working_days: int = MIN_NOTICE_WORKING_DAYS,
    expected_version: int | None = None,
    end_in_text: str = "",
) -> InternalNotice:
    """Publish the internal notice now; it ends at the end of its last working day.

    ``end_in_text`` is the end the prepared text was written with (for the working days the
    page first offered): it is replaced by the period's own end, so that the text cannot
    contradict the period when the reviewer chose another number of working days (issue #22).
    """
    if not text.strip():
        raise RuleViolation(_("The notice needs a text."))
    published = timezone.now()
    ends_at, provisional = internal_notice_period(published=published, working_days=working_days)
    if end_in_text.strip():
        text = text.replace(end_in_text.strip(), notice_end_text(ends_at))
    with application_transition(
        application=application,
        actor=actor,
        name="open_internal_notice",
        allowed=permissions.can_review,
        expected_version=expected_version,
    ) as locked:
        notice = InternalNotice.objects.create(
            application=locked,
            organization_id=locked.reviewing_organization_id,
            text=text.strip(),
            working_days=working_days,
            published_at=published,
            ends_at=ends_at,
            provisional=provisional,
            opened_by=actor,
        )
        # Tracked, so that entering an official holiday schedule moves it (later, never earlier).
        deadline_track(
            obj=notice,
            field="ends_at",
            start=timezone.localdate(published),
            working_days=working_days,
            rule=NOTICE_DEADLINE_RULE,
            provisional_field="provisional",
        )
        tell(
            [locked.applicant],
            locked,
            "internal_notice_opened",
            **deadline_context(
                "end",
                timezone.localtime(ends_at).strftime("%Y-%m-%d"),
                provisional=notice.provisional,
            ),
        )
    return notice


def internal_objection_raise(
    *, notice: InternalNotice, actor, real_name: str, statement: str, evidence=None
) -> InternalObjection:
    """A member of the organization objects while the notice runs."""
    real_name, statement = real_name.strip(), statement.strip()
    if not real_name or not statement:
        raise RuleViolation(_("An objection needs your real name and a statement."))
    if not is_member_of(actor, notice.organization_id):
        raise NotAllowed
    checked = document_check(evidence) if evidence is not None else None
    with files_removed_on_failure() as stored, transaction.atomic():
        application = Application.objects.select_for_update().get(pk=notice.application_id)
        if application.state != ApplicationState.INTERNAL_NOTICE or timezone.now() > notice.ends_at:
            raise RuleViolation(_("This notice is no longer running."))
        objection = InternalObjection(
            notice=notice, objector=actor, objector_real_name=real_name, statement=statement
        )
        objection_evidence_attach(objection, checked=checked, stored=stored)
        objection.save()
        audit_record(
            actor=actor,
            action="internal_notice.objection",
            obj=application,
            data={"objection": objection.pk},
        )
        tell(
            reviewers_of(application),
            application,
            "internal_objection_raised",
            url=reverse("applications:internal_notice", args=[application.pk]),
        )
    return objection


def _internal_objection_upheld(*, application: Application, objection, actor, reason: str):
    """An upheld objection declines the application (rule 13: with its reason)."""
    with application_transition(
        application=application,
        actor=actor,
        name="uphold_internal_objection",
        allowed=permissions.can_review_notice,
        reason=reason,
    ) as locked:
        deadline_close(obj=objection.notice, field="ends_at")
        locked.decline_reason = reason
        tell([locked.applicant], locked, "application_declined", reason=reason)


INTERNAL_NOTICE_OBJECTIONS = NoticeObjections(
    audit_prefix="internal_notice",
    may_decide=permissions.can_review_notice,
    decidable=anyone,  # while it is open, whatever the notice's end
    uphold=_internal_objection_upheld,
)


def internal_objection_decide(
    *, objection: InternalObjection, actor, uphold: bool, reason: str
) -> InternalObjection:
    """The reviewer upholds (the application is declined) or dismisses (with a reason) an open
    objection (``objection_decide``)."""
    return objection_decide(
        objection=objection,
        actor=actor,
        uphold=uphold,
        reason=reason,
        notice=INTERNAL_NOTICE_OBJECTIONS,
    )


@sweeper("internal_notices")
def internal_notices_sweep(now: datetime) -> list[str]:
    """Pass every notice whose period is over and that has no open objection."""
    due = InternalNotice.objects.filter(
        ends_at__lt=now,
        passed_at__isnull=True,
        application__state=ApplicationState.INTERNAL_NOTICE,
    ).exclude(objections__status=ObjectionStatus.OPEN)
    changes = []
    for notice_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            notice = InternalNotice.objects.select_for_update().get(pk=notice_id)
            if notice.passed_at or notice.objections.filter(status=ObjectionStatus.OPEN).exists():
                continue
            try:
                with application_transition(
                    application=notice.application,
                    actor=None,
                    name="pass_internal_notice",
                    allowed=anyone,
                ) as locked:
                    notice.passed_at = now
                    notice.save(update_fields=["passed_at"])
                    deadline_close(obj=notice, field="ends_at")
                    tell(reviewers_of(locked), locked, "internal_notice_passed")
            except ChangedMeanwhile:
                continue
            changes.append(f"application {locked.reference}: internal_notice -> notice_passed")
    return changes


def application_recommend(
    *, application: Application, actor, opinion: str, expected_version: int | None = None
) -> Application:
    """The organization's formal recommendation: to the agency, whose review clock starts."""
    opinion = opinion.strip()
    if not opinion:
        raise RuleViolation(_("Write the organization's recommendation opinion."))
    with application_transition(
        application=application,
        actor=actor,
        name="recommend",
        allowed=permissions.can_review,
        expected_version=expected_version,
    ) as locked:
        now = timezone.now()
        locked.employer_opinion = opinion
        locked.recommended_at = now
        deadline_track(
            obj=locked,
            field="eligibility_due_at",
            start=timezone.localdate(now),
            working_days=settings.ELIGIBILITY_REVIEW_WORKING_DAYS,
            rule=ELIGIBILITY_DEADLINE_RULE,
        )
        tell([locked.applicant], locked, "application_recommended")
        tell(agency_staff(), locked, "application_to_agency")
    return locked


__all__ = [
    "application_decline",
    "application_recommend",
    "internal_notice_open",
    "internal_notice_period",
    "internal_notice_text",
    "internal_notices_sweep",
    "internal_objection_decide",
    "internal_objection_raise",
    "notice_end_text",
]
