"""Stage 3a: assigning panel experts without conflicts, their opinions, and completion.

Rule 5: an expert with a conflict of interest (the applicant, the applicant's organization, one of
the recommenders, or a conflict they declare) cannot be assigned. Assigning grants, and releasing
or replacing revokes, the ``applications.assess_application`` object permission in the same
transaction, so access follows the assignment at once. The application moves to
``committee_review`` inside the transaction of the submission that completes the panel: every
service that may complete it locks the application row first, so two last opinions submitted at
the same moment complete it exactly once.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm

from applications.enums import ApplicationState
from applications.errors import ChangedMeanwhile, NotAllowed, RuleViolation
from applications.models import Application
from applications.parties import conflict_declare
from applications.services import anyone, application_transition, tell
from review import permissions
from review.conflicts import conflicts_of
from review.enums import (
    ACTIVE_ASSIGNMENT_STATUSES,
    DEFAULT_EXPERTS_REQUIRED,
    OPINION_WORKING_DAYS,
    SCORE_MAX,
    SCORE_MIN,
    AssignmentStatus,
    Dimension,
    Recommendation,
)
from review.models import Assignment, Opinion, Panel
from titles.audit import audit_record
from titles.deadlines import deadline_close, deadline_rule_register, deadline_track
from titles.enums import Role
from titles.notification_kinds import deadline_context
from titles.people import users_with_role
from titles.sweep import sweeper

PERMISSION = "applications.assess_application"
OPINION_DEADLINE_RULE = "panel_opinion"
REMIND_EVERY = timedelta(days=1)
TEXT_MAX = 5000

deadline_rule_register(OPINION_DEADLINE_RULE, label=_("panel opinion deadline"))


# --- reads the services need ------------------------------------------------------------------


def panel_for(application: Application) -> Panel | None:
    """The active panel of the application's discipline, else of its series."""
    panels = Panel.objects.filter(active=True, title_series_id=application.title_series_id)
    return (
        panels.filter(discipline_id=application.discipline_id).first()
        or panels.filter(discipline__isnull=True).first()
    )


def experts_required(application: Application) -> int:
    panel = panel_for(application)
    return panel.experts_required if panel else DEFAULT_EXPERTS_REQUIRED


def _staff():
    return (users_with_role(Role.AGENCY_STAFF) | users_with_role(Role.BUREAU_STAFF)).distinct()


def _lock_application(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _lock_assignment(assignment: Assignment) -> Assignment:
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    locked.application = _lock_application(assignment.application)
    return locked


def _opinion_url(assignment: Assignment) -> str:
    return reverse("review:opinion", args=[assignment.pk])


# --- assignment -------------------------------------------------------------------------------


def _assign(*, application: Application, expert, actor, now: datetime) -> Assignment:
    """Assign inside the caller's transaction, with ``application`` already locked."""
    if application.state != ApplicationState.PANEL_REVIEW:
        raise RuleViolation(_("Experts are assigned only while the panel review runs."))
    if not expert.is_active or not permissions.is_panel_expert(expert):
        raise RuleViolation(_("Only active panel experts can be assigned."))
    reasons = conflicts_of(expert, application)
    if reasons:
        raise RuleViolation(
            _("%(expert)s cannot be assigned: a conflict of interest (%(reasons)s).")
            % {"expert": expert.display_name, "reasons": "; ".join(str(r) for r in reasons)}
        )
    if Assignment.objects.filter(
        application=application, expert=expert, status=AssignmentStatus.RELEASED
    ).exists():
        raise RuleViolation(
            _("%(expert)s declared a conflict of interest with this application.")
            % {"expert": expert.display_name}
        )
    if Assignment.objects.filter(
        application=application, expert=expert, status__in=ACTIVE_ASSIGNMENT_STATUSES
    ).exists():
        raise RuleViolation(
            _("%(expert)s is already assigned to this application.")
            % {"expert": expert.display_name}
        )
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                application=application,
                expert=expert,
                panel=panel_for(application),
                assigned_by=actor,
                assigned_at=now,
            )
    except IntegrityError as error:
        raise ChangedMeanwhile from error
    deadline_track(
        obj=assignment,
        field="due_at",
        start=timezone.localdate(now),
        working_days=OPINION_WORKING_DAYS,
        rule=OPINION_DEADLINE_RULE,
        provisional_field="provisional",
    )
    assign_perm(PERMISSION, expert, application)
    audit_record(
        actor=actor,
        action="panel.assign",
        obj=application,
        data={"expert": expert.pk, "assignment": assignment.pk},
        reason=expert.display_name,
    )
    tell(
        [expert],
        application,
        "panel_assigned",
        url=_opinion_url(assignment),
        **deadline_context(
            "due",
            timezone.localtime(assignment.due_at).strftime("%Y-%m-%d %H:%M"),
            provisional=assignment.provisional,
        ),
    )
    return assignment


def assignment_create(*, application: Application, expert, actor) -> Assignment:
    """Assign ``expert`` to the application, unless a conflict of interest forbids it.

    Grants the expert the object permission to assess the application, starts the opinion
    deadline, audits and tells the expert. Raises ``NotAllowed`` unless the actor is agency or
    bureau staff, and ``RuleViolation`` for a conflict, a repeated or a non-expert assignment.
    """
    with transaction.atomic():
        locked = _lock_application(application)
        if not permissions.can_assign(actor, locked):
            raise NotAllowed
        return _assign(application=locked, expert=expert, actor=actor, now=timezone.now())


def _end(assignment: Assignment, *, status: str, now: datetime, reason: str = "") -> None:
    assignment.status = status
    assignment.ended_at = now
    if reason:
        assignment.conflict_reason = reason
    assignment.save(update_fields=["status", "ended_at", "conflict_reason"])
    deadline_close(obj=assignment, field="due_at")
    remove_perm(PERMISSION, assignment.expert, assignment.application)


def _has_submitted(assignment: Assignment) -> bool:
    return Opinion.objects.filter(assignment=assignment, submitted_at__isnull=False).exists()


def assignment_replace(*, assignment: Assignment, actor, expert) -> Assignment:
    """Replace an assigned expert who has not submitted (late, or unreachable).

    The assignment ends as ``replaced`` and loses its permission; ``expert`` is assigned under the
    same conflict rules. (An expert released after declaring a conflict is already gone: staff
    assign another one.) Returns the new assignment.
    """
    with transaction.atomic():
        locked = _lock_assignment(assignment)
        if not permissions.can_assign(actor, locked.application):
            raise NotAllowed
        if not locked.active:
            raise RuleViolation(
                _("This expert no longer assesses the application: assign another one.")
            )
        if _has_submitted(locked):
            raise RuleViolation(_("An expert who has submitted the opinion cannot be replaced."))
        now = timezone.now()
        _end(locked, status=AssignmentStatus.REPLACED, now=now)
        tell([locked.expert], locked.application, "panel_released")
        audit_record(
            actor=actor,
            action="panel.replace",
            obj=locked.application,
            data={"assignment": locked.pk, "expert": locked.expert_id, "by": expert.pk},
            reason=f"{locked.expert.display_name} -> {expert.display_name}",
        )
        return _assign(application=locked.application, expert=expert, actor=actor, now=now)


def assignment_confirm(*, assignment: Assignment, actor) -> Assignment:
    """The expert confirms having no conflict of interest; only then may they write."""
    with transaction.atomic():
        locked = _lock_assignment(assignment)
        if not permissions.can_work_on(actor, locked):
            raise NotAllowed
        if locked.status == AssignmentStatus.CONFIRMED:
            return locked
        locked.status = AssignmentStatus.CONFIRMED
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["status", "confirmed_at"])
        audit_record(actor=actor, action="panel.confirm_no_conflict", obj=locked.application)
        return locked


def assignment_declare_conflict(*, assignment: Assignment, actor, reason: str) -> Assignment:
    """The expert declares a conflict of interest and is released at once; staff are told."""
    reason = reason.strip()
    if not reason:
        raise RuleViolation(_("Say what the conflict of interest is."))
    with transaction.atomic():
        locked = _lock_assignment(assignment)
        if not permissions.can_work_on(actor, locked):
            raise NotAllowed
        if _has_submitted(locked):
            raise RuleViolation(_("The opinion was submitted: it can no longer be withdrawn."))
        _end(locked, status=AssignmentStatus.RELEASED, now=timezone.now(), reason=reason[:TEXT_MAX])
        # Rule 5: the conflict follows the person to every later stage.
        conflict_declare(
            application=locked.application, person=actor, stage="panel", reason=reason[:TEXT_MAX]
        )
        audit_record(
            actor=actor,
            action="panel.declare_conflict",
            obj=locked.application,
            data={"assignment": locked.pk},
            reason=reason[:TEXT_MAX],
        )
        tell(
            _staff(),
            locked.application,
            "panel_conflict_declared",
            url=reverse("review:assignments", args=[locked.application_id]),
            expert=actor.display_name,
        )
        _complete_if_done(locked.application, actor=actor)
        return locked


def assignments_end_on_withdrawal(*, application: Application, actor) -> list[Assignment]:
    """The application was withdrawn (rule 11): end its standing assignments, with their
    object permissions and opinion deadlines, so that the experts' queues stop listing it;
    audited and each expert told. Called in the withdrawal's transaction."""
    now = timezone.now()
    ended = list(
        Assignment.objects.select_for_update()
        .filter(application=application, status__in=ACTIVE_ASSIGNMENT_STATUSES)
        .select_related("expert", "application")
    )
    for assignment in ended:
        _end(assignment, status=AssignmentStatus.WITHDRAWN, now=now)
        audit_record(
            actor=actor,
            action="panel.end_on_withdrawal",
            obj=application,
            data={"assignment": assignment.pk, "expert": assignment.expert_id},
        )
    tell(
        [assignment.expert for assignment in ended],
        application,
        "application_withdrawn",
        url=reverse("review:expert_queue"),
    )
    return ended


# --- opinions ---------------------------------------------------------------------------------

OPINION_FIELDS = [
    *[f"score_{d}" for d in Dimension.values],
    *[f"justification_{d}" for d in Dimension.values],
    "recommendation",
    "summary",
]


def opinion_problems(values: dict) -> dict[str, str]:
    """What keeps these values from being submitted, by field; empty when they are complete."""
    problems = {}
    for dimension in Dimension:
        score = values.get(f"score_{dimension.value}")
        if score is None:
            problems[f"score_{dimension.value}"] = _("Give a score.")
        elif not SCORE_MIN <= score <= SCORE_MAX:
            problems[f"score_{dimension.value}"] = _(
                "The score is a whole number from %(min)s to %(max)s."
            ) % {"min": SCORE_MIN, "max": SCORE_MAX}
        if not (values.get(f"justification_{dimension.value}") or "").strip():
            problems[f"justification_{dimension.value}"] = _("Justify the score.")
    if values.get("recommendation") not in Recommendation.values:
        problems["recommendation"] = _("Choose support or do not support.")
    if not (values.get("summary") or "").strip():
        problems["summary"] = _("Write the summary of your opinion.")
    return problems


def _clean(values: dict) -> dict:
    cleaned = {}
    for name in OPINION_FIELDS:
        value = values.get(name)
        if name.startswith("score_"):
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not SCORE_MIN <= value <= SCORE_MAX
            ):
                raise RuleViolation(
                    _("The score is a whole number from %(min)s to %(max)s.")
                    % {"min": SCORE_MIN, "max": SCORE_MAX}
                )
            cleaned[name] = value
        else:
            text = (value or "").strip()
            if len(text) > TEXT_MAX:
                raise RuleViolation(_("A text is at most %(max)s characters.") % {"max": TEXT_MAX})
            cleaned[name] = text
    if cleaned["recommendation"] and cleaned["recommendation"] not in Recommendation.values:
        raise RuleViolation(_("Choose support or do not support."))
    return cleaned


def opinion_save(*, assignment: Assignment, actor, values: dict, submit: bool) -> Opinion:
    """Save the expert's opinion as a draft, or submit it (complete, then frozen).

    A submission that is the last one the panel needs moves the application to
    ``committee_review`` in the same transaction. Raises ``RuleViolation`` for scores off the
    scale, a missing justification on submission, or a change to a submitted opinion.
    """
    cleaned = _clean(values)
    with transaction.atomic():
        locked = _lock_assignment(assignment)
        if not permissions.can_work_on(actor, locked):
            raise NotAllowed
        if locked.status != AssignmentStatus.CONFIRMED:
            raise RuleViolation(_("Confirm first that you have no conflict of interest."))
        opinion, _created = Opinion.objects.get_or_create(assignment=locked)
        if opinion.submitted:
            raise RuleViolation(_("The opinion was submitted and can no longer be changed."))
        if submit:
            problems = opinion_problems(cleaned)
            if problems:
                raise RuleViolation(
                    _("The opinion is not complete: %(problems)s")
                    % {"problems": " ".join(str(p) for p in dict.fromkeys(problems.values()))}
                )
        for name, value in cleaned.items():
            setattr(opinion, name, value)
        if submit:
            opinion.submitted_at = timezone.now()
        opinion.save()
        if submit:
            deadline_close(obj=locked, field="due_at")
            audit_record(
                actor=actor,
                action="panel.opinion_submit",
                obj=locked.application,
                data={"assignment": locked.pk},
            )
            _complete_if_done(locked.application, actor=actor)
        return opinion


def _complete_if_done(application: Application, *, actor) -> bool:
    """Move to committee review when enough experts are assigned and every one has submitted.

    Runs inside the caller's transaction with the application row locked.
    """
    if application.state != ApplicationState.PANEL_REVIEW:
        return False
    active = Assignment.objects.filter(
        application=application, status__in=ACTIVE_ASSIGNMENT_STATUSES
    )
    total = active.count()
    submitted = active.filter(opinion__submitted_at__isnull=False).count()
    if total < experts_required(application) or submitted != total:
        return False

    with application_transition(
        application=application,
        actor=actor,
        name="complete_panel_review",
        allowed=anyone,
        data={"experts": total},  # worded per language: review.apps
    ) as locked:
        tell([locked.applicant], locked, "panel_completed_applicant")
        tell(_staff(), locked, "panel_completed", experts=total)
    return True


@sweeper("panel_opinions_overdue")
def panel_opinions_overdue_sweep(now: datetime) -> list[str]:
    """Remind late experts (and staff, who may replace them), once a day at most."""
    late = (
        Assignment.objects.filter(
            status__in=ACTIVE_ASSIGNMENT_STATUSES,
            due_at__lt=now,
            application__state=ApplicationState.PANEL_REVIEW,
        )
        .exclude(opinion__submitted_at__isnull=False)
        .exclude(reminded_at__gt=now - REMIND_EVERY)
        .select_related("application__applicant", "expert")
    )
    changes = []
    for assignment in late:
        with transaction.atomic():
            updated = (
                Assignment.objects.filter(pk=assignment.pk)
                .exclude(reminded_at__gt=now - REMIND_EVERY)
                .update(reminded_at=now)
            )
            if not updated:
                continue
            tell(
                [assignment.expert],
                assignment.application,
                "panel_opinion_overdue",
                url=_opinion_url(assignment),
            )
            tell(
                _staff(),
                assignment.application,
                "panel_expert_late",
                url=reverse("review:assignments", args=[assignment.application_id]),
                expert=assignment.expert.display_name,
            )
        changes.append(
            f"application {assignment.application.reference}: opinion of "
            f"{assignment.expert.display_name} overdue, reminded"
        )
    return changes
