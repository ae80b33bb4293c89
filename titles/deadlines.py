"""Deadlines that follow the working-day calendar.

* :func:`deadline_track` is how a stage computes a deadline it keeps in a ``*_due_at`` field: it
  returns the due time and registers the deadline for recomputation; :func:`deadline_close`
  stops that when the deadline no longer runs. Each stage registers its rules once with
  :func:`deadline_rule_register` (a translatable label, and optionally ``on_moved`` to tell the
  parties of a moved deadline).
* When a year's official schedule is entered (``titles.calendar.calendar_year_enter``),
  :func:`deadlines_recompute` recomputes every open deadline over it (later, never earlier, the
  owner's field written) and :func:`deadline_moves_record` audits the moves and tells bureau
  staff which moved.
* The ``calendar`` sweeper catches a deadline computed over a provisional year by a transaction
  that committed just after that year was entered (so the entry's recomputation missed it).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from titles import workdays
from titles.audit import audit_action_label_register, audit_action_reason_register, audit_record
from titles.enums import Role
from titles.models import CalendarYear, TrackedDeadline
from titles.notifications import notification_kind_register, notify
from titles.people import users_with_role
from titles.sweep import sweeper

NOTICE_LINES_MAX = 50

audit_action_label_register("deadline.recompute", _("Deadline recomputed after a calendar change"))
audit_action_reason_register("deadline.recompute", _("Holiday calendar of %(years)s"))

notification_kind_register(
    "calendar_deadlines_moved",
    subject=_("%(count)s deadlines moved later after the %(year)s holiday schedule was entered"),
    body=_(
        "The official holiday schedule of %(year)s was entered or corrected in the working-day "
        "calendar. These open deadlines had been computed over it and now fall later:\n\n"
        "%(moved)s\n\n"
        "No deadline ever moves earlier. The parties concerned see the new dates on their pages."
    ),
)


def _iso(moment: datetime) -> str:
    return moment.astimezone(workdays.SHANGHAI).isoformat()


# --- the rules whose deadlines are tracked ----------------------------------------------------


@dataclass(frozen=True)
class DeadlineMove:
    """One tracked deadline that a calendar change recomputed: moved later, or confirmed."""

    tracked: TrackedDeadline
    owner: models.Model
    old_due_at: datetime
    new_due_at: datetime
    old_provisional: bool
    new_provisional: bool

    @property
    def moved(self) -> bool:
        return self.new_due_at != self.old_due_at

    def __str__(self) -> str:
        tracked = self.tracked
        change = (
            f"{_iso(self.old_due_at)} -> {_iso(self.new_due_at)}"
            if self.moved
            else "no longer provisional"
        )
        return f"{tracked.content_type.model} {tracked.object_id} {tracked.field}: {change}"


@dataclass(frozen=True)
class DeadlineRule:
    name: str
    label: str | Promise
    on_moved: Callable[[DeadlineMove], None] | None = None


_RULES: dict[str, DeadlineRule] = {}


def deadline_rule_register(
    name: str, *, label: str | Promise, on_moved: Callable[[DeadlineMove], None] | None = None
) -> DeadlineRule:
    """Register a rule (e.g. ``"supplement"``) whose deadlines :func:`deadline_track` tracks.

    ``label`` names it to staff ("supplement deadline"); ``on_moved``, if given, is called inside
    the recomputing transaction for each of its deadlines that moved (to notify the parties).
    """
    if not name or len(name) > 80:
        raise ValueError(f"A deadline rule needs a name of 1 to 80 characters, not {name!r}.")
    rule = DeadlineRule(name=name, label=label, on_moved=on_moved)
    _RULES[name] = rule
    return rule


def deadline_rule_label(name: str) -> str:
    rule = _RULES.get(name)
    return str(rule.label) if rule else name


# --- tracking deadlines -----------------------------------------------------------------------


def _owner_field(model: type[models.Model], name: str, kind: type[models.Field]) -> None:
    try:
        found = model._meta.get_field(name)
    except Exception:
        raise ValueError(f"{model.__name__} has no field {name!r}.") from None
    if not isinstance(found, kind):
        raise ValueError(f"{model.__name__}.{name} is not a {kind.__name__}.")


def deadline_track(
    *,
    obj: models.Model,
    field: str,
    start: date,
    working_days: int,
    rule: str,
    provisional_field: str = "",
) -> datetime:
    """Compute the deadline ``working_days`` working days after ``start``, keep it on ``obj``.

    Returns the due time (the end of the last working day, Asia/Shanghai). Sets ``obj.<field>``
    (a saved object's ``DateTimeField``) and, if named, the ``BooleanField``
    ``obj.<provisional_field>``, writes both to the database, and records the deadline so that
    entering or correcting a year it touches recomputes it (later, never earlier). Tracking the
    same field again replaces the earlier deadline. Call it inside the transaction of the change
    that sets the deadline. Raises ``ValueError`` for an unregistered rule, a missing field, an
    unsaved object or a number of working days below 1.
    """
    if rule not in _RULES:
        raise ValueError(
            f"Unknown deadline rule {rule!r}: register it with deadline_rule_register."
        )
    if obj.pk is None:
        raise ValueError("Save the object before tracking its deadline.")
    model = type(obj)
    _owner_field(model, field, models.DateTimeField)
    if provisional_field:
        _owner_field(model, provisional_field, models.BooleanField)
    # Read the calendar fresh (not from the process cache): this result is recorded.
    deadline = workdays.deadline_compute(
        start=start, working_days=working_days, source=workdays.fresh_year_source()
    )
    values = {field: deadline.due_at}
    if provisional_field:
        values[provisional_field] = deadline.provisional
    with transaction.atomic():
        model._default_manager.filter(pk=obj.pk).update(**values)
        for name, value in values.items():
            setattr(obj, name, value)
        TrackedDeadline.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(obj.pk),
            field=field,
            defaults={
                "provisional_field": provisional_field,
                "rule": rule,
                "start": deadline.start,
                "working_days": deadline.working_days,
                "last_day": deadline.last_day,
                "due_at": deadline.due_at,
                "provisional": deadline.provisional,
                "created_at": timezone.now(),
                "recomputed_at": None,
                "closed_at": None,
            },
        )
    return deadline.due_at


def deadline_close(*, obj: models.Model, field: str) -> bool:
    """Stop tracking ``obj.<field>`` (the deadline no longer runs); True if one was open."""
    return bool(
        TrackedDeadline.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=str(obj.pk),
            field=field,
            closed_at__isnull=True,
        ).update(closed_at=timezone.now())
    )


def deadline_tracked(*, obj: models.Model, field: str) -> TrackedDeadline | None:
    """The tracked deadline of ``obj.<field>``, open or closed, or None."""
    return TrackedDeadline.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=str(obj.pk),
        field=field,
    ).first()


# --- recomputation ----------------------------------------------------------------------------


def _recompute_one(tracked: TrackedDeadline, *, source: workdays.YearSource) -> DeadlineMove | None:
    """Recompute one open deadline (owner row locked first, then the tracking row)."""
    now = timezone.now()
    model = tracked.content_type.model_class()
    owner = None
    if model is not None:
        try:
            owner = model._default_manager.select_for_update().filter(pk=tracked.object_id).first()
        except (ValueError, TypeError):
            owner = None
    tracked = TrackedDeadline.objects.select_for_update().get(pk=tracked.pk)
    if tracked.closed_at is not None:
        return None
    if owner is None or getattr(owner, tracked.field, None) != tracked.due_at:
        # The owner is gone, or set the field itself since: the deadline is no longer ours.
        tracked.closed_at = now
        tracked.save(update_fields=["closed_at"])
        return None
    computed = workdays.deadline_compute(
        start=tracked.start, working_days=tracked.working_days, source=source
    )
    last_day = max(tracked.last_day, computed.last_day)
    due_at = max(tracked.due_at, computed.due_at)
    provisional = any(
        not source(year).official for year in range(tracked.start.year, last_day.year + 1)
    )
    if due_at == tracked.due_at and provisional == tracked.provisional:
        return None
    owner_values: dict = {tracked.field: due_at}
    if tracked.provisional_field:
        owner_values[tracked.provisional_field] = provisional
    model._default_manager.filter(pk=owner.pk).update(**owner_values)
    for name, value in owner_values.items():
        setattr(owner, name, value)
    old_due_at, old_provisional = tracked.due_at, tracked.provisional
    tracked.last_day, tracked.due_at, tracked.provisional = last_day, due_at, provisional
    tracked.recomputed_at = now
    tracked.save(update_fields=["last_day", "due_at", "provisional", "recomputed_at"])
    return DeadlineMove(
        tracked=tracked,
        owner=owner,
        old_due_at=old_due_at,
        new_due_at=due_at,
        old_provisional=old_provisional,
        new_provisional=provisional,
    )


def deadlines_recompute(
    candidates: Iterable[TrackedDeadline], *, source: workdays.YearSource
) -> list[DeadlineMove]:
    """Lock, recompute and write every candidate; audit nothing yet.

    Every row lock is taken before the caller's first audit event: ``audit_record`` holds the
    chain lock until commit, and a transition locks its row *then* audits, so auditing first and
    locking owners afterwards could deadlock with it.
    """
    moves = []
    for tracked in candidates:
        move = _recompute_one(tracked, source=source)
        if move is not None:
            moves.append(move)
    return moves


def deadline_moves_record(moves: list[DeadlineMove], *, actor, years: list[int]) -> None:
    """Audit each recomputed deadline on its owner, tell each rule's parties of the moves, and
    send bureau staff (and the actor) one notice listing the deadlines that moved."""
    for move in moves:
        audit_record(
            actor=actor,
            action="deadline.recompute",
            obj=move.owner,
            data={  # the reason, worded per language: titles.apps
                "years": ", ".join(str(year) for year in years),
                "field": move.tracked.field,
                "rule": move.tracked.rule,
                "from": _iso(move.old_due_at),
                "to": _iso(move.new_due_at),
                "provisional_from": move.old_provisional,
                "provisional_to": move.new_provisional,
            },
        )
    for move in moves:
        rule = _RULES.get(move.tracked.rule)
        if move.moved and rule and rule.on_moved:
            rule.on_moved(move)
    _tell_staff(moves, years=years, actor=actor)


def _moves_text(moves: list[DeadlineMove]) -> str:
    """One line per move, in the active language (the recipient's)."""
    lines = []
    for move in moves[:NOTICE_LINES_MAX]:
        lines.append(
            gettext("%(object)s, %(rule)s: %(old)s → %(new)s")
            % {
                "object": str(move.owner),
                "rule": deadline_rule_label(move.tracked.rule),
                "old": date_format(timezone.localtime(move.old_due_at), "Y-m-d"),
                "new": date_format(timezone.localtime(move.new_due_at), "Y-m-d"),
            }
        )
    if len(moves) > NOTICE_LINES_MAX:
        lines.append(
            gettext("… and %(count)s more (see the tracked deadlines in the admin).")
            % {"count": len(moves) - NOTICE_LINES_MAX}
        )
    return "\n".join(lines)


def _tell_staff(moves: list[DeadlineMove], *, years: list[int], actor) -> None:
    """One notice to each bureau staff member (and the actor) listing the moved deadlines."""
    moves = [move for move in moves if move.moved]
    if not moves:
        return
    recipients = list(users_with_role(Role.BUREAU_STAFF))
    actor_is_user = getattr(actor, "is_authenticated", False) and actor.is_active
    if actor_is_user and all(recipient.pk != actor.pk for recipient in recipients):
        recipients.append(actor)
    url = reverse("admin:titles_trackeddeadline_changelist")
    for recipient in recipients:
        language = recipient.preferred_language
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            moved = _moves_text(moves)
        notify(
            recipient=recipient,
            kind="calendar_deadlines_moved",
            context={
                "year": ", ".join(str(year) for year in years),
                "count": len(moves),
                "moved": moved,
            },
            url=url,
        )


@sweeper("calendar")
def calendar_recompute_sweep(now: datetime) -> list[str]:
    """Recompute open provisional deadlines over years that are official now.

    ``titles.calendar.calendar_year_enter`` recomputes everything it can see; a deadline tracked
    by a transaction that committed just after the entry was invisible to it and stays
    provisional. This finds such deadlines; a second pass finds nothing (idempotent).
    """
    candidates = list(
        TrackedDeadline.objects.filter(closed_at__isnull=True, provisional=True).order_by("id")
    )
    if not candidates:
        return []
    official = set(CalendarYear.objects.values_list("year", flat=True))
    candidates = [
        tracked
        for tracked in candidates
        if official.intersection(range(tracked.start.year, tracked.last_day.year + 1))
    ]
    if not candidates:
        return []
    years = sorted(
        official.intersection(
            year
            for tracked in candidates
            for year in range(tracked.start.year, tracked.last_day.year + 1)
        )
    )
    with transaction.atomic():
        moves = deadlines_recompute(candidates, source=workdays.fresh_year_source())
        deadline_moves_record(moves, actor=None, years=years)
    return [f"deadline {move}" for move in moves]
