"""Stage 2: the agency's eligibility review, the one supplement request, "deemed withdrawn".

Rule 3: at most one supplement request per application, ever (a one-to-one row, so that two staff
acting at once cannot both send one); it lists every item and has a deadline in working days. An
answer after the deadline is refused, and the sweep withdraws the application. Rule 4: an
application past the agency's review time is flagged and its reviewers are reminded once a day.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import permissions
from applications.enums import ApplicationState
from applications.errors import ChangedMeanwhile, RuleViolation
from applications.models import Application, SupplementItem, SupplementRequest
from applications.selectors import eligibility_overdue
from applications.services.base import (
    agency_staff,
    anyone,
    application_locked,
    application_transition,
    reviewers_of,
    tell,
)
from applications.services.transitions import deadlines_close_all, materials_freeze
from titles.audit import audit_record
from titles.deadlines import deadline_close, deadline_rule_register, deadline_track
from titles.notification_kinds import deadline_context
from titles.sweep import sweeper

SUPPLEMENT_DEFAULT_WORKING_DAYS = 10
SUPPLEMENT_DEADLINE_RULE = "supplement"
REMIND_EVERY = timedelta(days=1)

deadline_rule_register(SUPPLEMENT_DEADLINE_RULE, label=_("supplement deadline"))


def eligibility_accept(
    *, application: Application, actor, note: str = "", expected_version: int | None = None
) -> Application:
    """The application is eligible: on to the assessment panel."""
    with application_transition(
        application=application,
        actor=actor,
        name="accept_eligible",
        allowed=permissions.can_review_eligibility,
        reason=note.strip(),
        expected_version=expected_version,
    ) as locked:
        locked.eligibility_note = note.strip()
        deadline_close(obj=locked, field="eligibility_due_at")
        tell([locked.applicant], locked, "eligibility_accepted")
    return locked


def eligibility_reject(
    *, application: Application, actor, reason: str, expected_version: int | None = None
) -> Application:
    """The application is ineligible (final), with the reasons."""
    reason = reason.strip()
    if not reason:
        raise RuleViolation(_("Give the reasons why the application is ineligible."))
    with application_transition(
        application=application,
        actor=actor,
        name="reject_ineligible",
        allowed=permissions.can_review_eligibility,
        reason=reason,
        expected_version=expected_version,
    ) as locked:
        locked.ineligible_reason = reason
        deadline_close(obj=locked, field="eligibility_due_at")
        tell(
            [locked.applicant, *reviewers_of(locked)], locked, "eligibility_rejected", reason=reason
        )
    return locked


def supplement_request(
    *,
    application: Application,
    actor,
    items: list[tuple[int | None, str]],
    working_days: int = SUPPLEMENT_DEFAULT_WORKING_DAYS,
    expected_version: int | None = None,
) -> SupplementRequest:
    """Send the one supplement request: every item at once, with a deadline in working days.

    ``items`` are (checklist item id or None, what is missing or must be corrected). A second
    request for the same application is refused, also when two staff send one at the same moment.
    """
    items = [(checklist_id, text.strip()) for checklist_id, text in items if text.strip()]
    if not items:
        raise RuleViolation(_("List at least one item to supplement or correct."))
    if not 1 <= working_days <= 60:
        raise RuleViolation(_("The deadline is between 1 and 60 working days."))
    now = timezone.now()
    with application_transition(
        application=application,
        actor=actor,
        name="request_supplement",
        allowed=permissions.can_review_eligibility,
        expected_version=expected_version,
    ) as locked:
        if SupplementRequest.objects.filter(application=locked).exists():
            raise RuleViolation(_("A supplement request was already sent: only one is allowed."))
        try:
            with transaction.atomic():
                request = SupplementRequest.objects.create(
                    application=locked,
                    requested_by=actor,
                    requested_at=now,
                    working_days=working_days,
                    due_at=now,  # set just below from the calendar
                )
        except IntegrityError as error:
            raise ChangedMeanwhile from error
        SupplementItem.objects.bulk_create(
            SupplementItem(request=request, checklist_item_id=checklist_id, text=text, order=index)
            for index, (checklist_id, text) in enumerate(items)
        )
        request.due_at = deadline_track(
            obj=request,
            field="due_at",
            start=timezone.localdate(now),
            working_days=working_days,
            rule=SUPPLEMENT_DEADLINE_RULE,
            provisional_field="provisional",
        )
        tell(
            [locked.applicant],
            locked,
            "supplement_requested",
            **deadline_context(
                "due",
                timezone.localtime(request.due_at).strftime("%Y-%m-%d %H:%M"),
                provisional=request.provisional,
            ),
        )
    return request


def supplement_answer(
    *,
    application: Application,
    actor,
    notes: dict[int, str],
    expected_version: int | None = None,
) -> Application:
    """The applicant answers before the deadline: notes per item; new file versions freeze."""
    with application_transition(
        application=application,
        actor=actor,
        name="submit_supplement",
        allowed=permissions.can_answer_supplement,
        expected_version=expected_version,
    ) as locked:
        request = SupplementRequest.objects.select_for_update().get(application=locked)
        now = timezone.now()
        if now > request.due_at:
            raise RuleViolation(_("The deadline has passed: the application is deemed withdrawn."))
        for item in request.items.all():
            note = (notes.get(item.pk) or "").strip()
            if note != item.answer_note:
                item.answer_note = note[:5000]
                item.save(update_fields=["answer_note"])
        materials_freeze(locked, now=now)
        request.answered_at = now
        request.save(update_fields=["answered_at"])
        deadline_close(obj=request, field="due_at")
        tell(agency_staff(), locked, "supplement_answered", applicant=locked.applicant.display_name)
    return locked


@sweeper("supplements")
def supplements_sweep(now: datetime) -> list[str]:
    """Deem withdrawn every application whose supplement deadline passed without an answer."""
    changes = []
    due = SupplementRequest.objects.filter(
        due_at__lt=now,
        answered_at__isnull=True,
        application__state=ApplicationState.SUPPLEMENT_REQUESTED,
    ).values_list("application_id", flat=True)
    for application_id in due:
        try:
            with application_transition(
                application=Application.objects.get(pk=application_id),
                actor=None,
                name="deem_withdrawn",
                allowed=anyone,
                data={"cause": "supplement_unanswered"},  # worded per language: applications.apps
            ) as locked:
                request = SupplementRequest.objects.select_for_update().get(application=locked)
                request.withdrawn_at = now
                request.save(update_fields=["withdrawn_at"])
                deadlines_close_all(locked)
                people = [locked.applicant, *reviewers_of(locked), *agency_staff()]
                tell(people, locked, "supplement_deemed_withdrawn")
        except ChangedMeanwhile:
            continue
        changes.append(f"application {locked.reference}: supplement_requested -> withdrawn")
    return changes


@sweeper("eligibility_overdue")
def eligibility_overdue_sweep(now: datetime) -> list[str]:
    """Remind the agency of applications past their review time, once a day at most."""
    overdue = Application.objects.filter(eligibility_overdue(now)).exclude(
        eligibility_reminded_at__gt=now - REMIND_EVERY
    )
    changes = []
    staff = list(agency_staff())
    for application in overdue.select_related("applicant"):
        with transaction.atomic():
            updated = (
                Application.objects.filter(pk=application.pk)
                .exclude(eligibility_reminded_at__gt=now - REMIND_EVERY)
                .update(eligibility_reminded_at=now)
            )
            if not updated:
                continue
            tell(staff, application, "eligibility_overdue")
        changes.append(f"application {application.reference}: eligibility review overdue, reminded")
    return changes


__all__ = [
    "SUPPLEMENT_DEFAULT_WORKING_DAYS",
    "eligibility_accept",
    "eligibility_reject",
    "supplement_answer",
    "supplement_request",
]


def agency_officer_assign(*, application: Application, actor, officer) -> Application:
    """Agency staff give an application in their queue to one officer (issue #23), or take it
    back (``officer=None``); audited, no version change (it is no change of the application)."""
    if officer is not None and not permissions.is_agency_staff(officer):
        raise RuleViolation(_("Only evaluation agency staff can be assigned."))
    with application_locked(
        application=application, actor=actor, allowed=permissions.can_review_eligibility
    ) as locked:
        locked.agency_officer = officer
        locked.save(update_fields=["agency_officer", "updated_at"])
        audit_record(
            actor=actor,
            action="applications.agency_officer_assign",
            obj=locked,
            data={"officer": officer.pk if officer else None},
        )
    return locked
