"""Writes to the working-day calendar: entering or correcting a year's official schedule.

:func:`calendar_year_enter` enters or corrects a year's official holiday schedule (audited).
Every open tracked deadline over that year is recomputed in the same transaction
(``titles.deadlines``): it moves later, never earlier, its owner's field is written, the move is
audited, and bureau staff are told which moved. The deadlines' own names stay importable here.
"""

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from titles import workdays
from titles.audit import audit_action_label_register, audit_record
from titles.deadlines import (
    DeadlineMove,
    DeadlineRule,
    calendar_recompute_sweep,
    deadline_close,
    deadline_moves_record,
    deadline_rule_label,
    deadline_rule_register,
    deadline_track,
    deadline_tracked,
    deadlines_recompute,
)
from titles.models import (
    CalendarDay,
    CalendarSource,
    CalendarYear,
    DayKind,
    HolidayName,
    TrackedDeadline,
)

__all__ = [
    "CalendarDayEntry",
    "CalendarEntryInvalid",
    "CalendarEntryResult",
    "DeadlineMove",
    "DeadlineRule",
    "calendar_recompute_sweep",
    "calendar_validate",
    "calendar_year_enter",
    "deadline_close",
    "deadline_rule_label",
    "deadline_rule_register",
    "deadline_track",
    "deadline_tracked",
]

FIRST_YEAR, LAST_YEAR = 2000, 2200
CALENDAR_WRITE_LOCK_KEY = 727_004  # serialises calendar entries (pg_advisory_xact_lock)

for _action, _label in {
    "calendar.year_enter": _("Holiday schedule entered"),
    "calendar.year_correct": _("Holiday schedule corrected"),
}.items():
    audit_action_label_register(_action, _label)


# --- errors ---------------------------------------------------------------------------------


class CalendarEntryInvalid(ValueError):
    """The entry is refused and nothing changed; ``messages`` say why (in the active language)."""

    def __init__(self, messages: list[str | Promise]):
        self.messages = messages
        super().__init__("; ".join(str(message) for message in messages))


def _announce_change() -> None:
    def calendar_committed() -> None:
        workdays.calendar_changed()

    calendar_committed.titles_calendar_change = True  # marks a pending write (titles.workdays)
    transaction.on_commit(calendar_committed)


# --- entering a year -------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDayEntry:
    """A holiday or an adjusted working day as entered."""

    date: date
    kind: str  # DayKind.HOLIDAY or DayKind.ADJUSTED_WORKDAY
    holiday: str  # a HolidayName code


@dataclass(frozen=True)
class CalendarEntryResult:
    calendar_year: CalendarYear
    created: bool
    changed: bool
    added: list[str]
    removed: list[str]
    moves: list[DeadlineMove]  # every recomputed deadline; ``move.moved`` for those now later

    @property
    def moved(self) -> list[DeadlineMove]:
        return [move for move in self.moves if move.moved]


def _validated(year, days: Iterable[CalendarDayEntry]) -> dict[date, CalendarDayEntry]:
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarEntryInvalid(
            [
                _("The year must be between %(first)s and %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            ]
        )
    problems: list[str | Promise] = []
    entries: dict[date, CalendarDayEntry] = {}
    for entry in days:
        day = entry.date
        if isinstance(day, datetime) or not isinstance(day, date):
            problems.append(_("%(value)s is not a date.") % {"value": day})
            continue
        if day.year != year:
            problems.append(
                _("%(date)s is not in %(year)s.") % {"date": day.isoformat(), "year": year}
            )
        if entry.kind not in (DayKind.HOLIDAY, DayKind.ADJUSTED_WORKDAY):
            problems.append(
                _("%(date)s: a day is entered as a holiday or an adjusted working day.")
                % {"date": day.isoformat()}
            )
        elif entry.kind == DayKind.ADJUSTED_WORKDAY and day.weekday() < 5:
            problems.append(
                _(
                    "%(date)s is a weekday: only a Saturday or Sunday can be an adjusted "
                    "working day."
                )
                % {"date": day.isoformat()}
            )
        if entry.holiday not in HolidayName.values:
            problems.append(
                _("%(date)s: unknown holiday %(name)s.")
                % {"date": day.isoformat(), "name": entry.holiday}
            )
        if day in entries:
            problems.append(_("%(date)s is entered twice.") % {"date": day.isoformat()})
        entries[day] = CalendarDayEntry(date=day, kind=str(entry.kind), holiday=entry.holiday)
    if problems:
        raise CalendarEntryInvalid(problems)
    return entries


def calendar_validate(*, year: int, days: Iterable[CalendarDayEntry]) -> None:
    """Check an entry without saving it (raises :class:`CalendarEntryInvalid` like the service)."""
    _validated(year, days)


def _describe(entry: CalendarDayEntry) -> str:
    return f"{entry.date.isoformat()} {entry.kind} {entry.holiday}"


def calendar_year_enter(
    *, year: int, days: Iterable[CalendarDayEntry], actor, reference: str = ""
) -> CalendarEntryResult:
    """Enter (or correct) the official holiday schedule of ``year``.

    ``days`` are all its holidays and adjusted working days; they replace the year's previous
    ones. Makes the year official and recomputes every open tracked deadline over the year: each
    moves later, never earlier, and its owner's field is written. Records one audit event
    (``calendar.year_enter`` the first time, ``calendar.year_correct`` after) listing the days
    added and removed, then one ``deadline.recompute`` per recomputed deadline; bureau staff are
    told which moved. Other processes see the new calendar when this commits. Entering exactly what
    is already there changes nothing. Raises :class:`CalendarEntryInvalid` for a bad entry.
    """
    entries = _validated(year, days)
    reference = " ".join(unicodedata.normalize("NFC", reference or "").split())[:200]
    with transaction.atomic():
        with connection.cursor() as cursor:  # one calendar writer at a time
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CALENDAR_WRITE_LOCK_KEY])
        existing = CalendarYear.objects.select_for_update().filter(year=year).first()
        before = {
            day.date: CalendarDayEntry(date=day.date, kind=day.kind, holiday=day.holiday)
            for day in (existing.days.all() if existing else [])
        }
        removed = sorted(
            _describe(entry) for day, entry in before.items() if entries.get(day) != entry
        )
        added = sorted(
            _describe(entry) for day, entry in entries.items() if before.get(day) != entry
        )
        if existing and not added and not removed and reference == existing.reference:
            return CalendarEntryResult(existing, False, False, [], [], [])
        now = timezone.now()
        actor_user = actor if getattr(actor, "is_authenticated", False) else None
        if existing is None:
            calendar_year = CalendarYear.objects.create(
                year=year,
                source=CalendarSource.STAFF,
                reference=reference,
                entered_by=actor_user,
                entered_at=now,
            )
        else:
            calendar_year = existing
            calendar_year.source = CalendarSource.STAFF
            calendar_year.reference = reference
            calendar_year.entered_by = actor_user
            calendar_year.entered_at = now
            calendar_year.revision += 1
            calendar_year.save()
        changed_dates = [day for day, entry in before.items() if entries.get(day) != entry]
        CalendarDay.objects.filter(year=calendar_year, date__in=changed_dates).delete()
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(year=calendar_year, date=day, kind=entry.kind, holiday=entry.holiday)
                for day, entry in sorted(entries.items())
                if before.get(day) != entry
            ]
        )
        _announce_change()
        candidates = TrackedDeadline.objects.filter(
            closed_at__isnull=True, start__lte=date(year, 12, 31), last_day__gte=date(year, 1, 1)
        ).order_by("id")
        moves = deadlines_recompute(list(candidates), source=workdays.fresh_year_source())
        audit_record(
            actor=actor,
            action="calendar.year_correct" if existing else "calendar.year_enter",
            obj=calendar_year,
            reason=reference,
            data={
                "year": year,
                "added": added,
                "removed": removed,
                "revision": calendar_year.revision,
            },
        )
        deadline_moves_record(moves, actor=actor, years=[year])
    return CalendarEntryResult(calendar_year, existing is None, True, added, removed, moves)
