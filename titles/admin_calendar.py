"""The admin of the working-day calendar: years (entered or corrected here), days, deadlines.

A year is entered as two lists typed or pasted from the State Council's notice: the holidays
(a day or a range of days per line, with the holiday's name) and the adjusted working days. The
form checks every line and names the wrong ones; saving goes through
:func:`titles.calendar.calendar_year_enter` (audited, open deadlines recomputed). Days and
tracked deadlines are read-only here: they change only through that service.
"""

import re
import unicodedata
from datetime import date, timedelta

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, F, Q
from django.utils import translation
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from titles.calendar import (
    CalendarDayEntry,
    CalendarEntryInvalid,
    calendar_validate,
    calendar_year_enter,
    deadline_rule_label,
)
from titles.models import CalendarDay, CalendarYear, DayKind, HolidayName, TrackedDeadline

_DATE = r"\d{4}-\d{1,2}-\d{1,2}"
_HOLIDAY_LINE = re.compile(
    rf"^(?P<first>{_DATE})(?:\s*(?:\.\.|~|至|to)\s*(?P<last>{_DATE}))?\s+(?P<name>\S.*)$"
)
_ADJUSTED_LINE = re.compile(rf"^(?P<first>{_DATE})\s+(?P<name>\S.*)$")
MAX_RANGE_DAYS = 31


def _normalised(text: str) -> str:
    """Full-width input (an IME) to ASCII, outer and repeated spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def holiday_code(name: str) -> str | None:
    """The HolidayName code for a name typed in English, Chinese, or as the code itself."""
    wanted = _normalised(name).casefold()
    for choice in HolidayName:
        names = {choice.value, str(choice.label)}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.add(str(choice.label))
        if wanted in {_normalised(known).casefold() for known in names}:
            return choice.value
    return None


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        return None


def parse_days(text: str, *, kind: str) -> tuple[list[CalendarDayEntry], list[str]]:
    """Parse the lines of one list; returns the days and one message per wrong line."""
    pattern = _HOLIDAY_LINE if kind == DayKind.HOLIDAY else _ADJUSTED_LINE
    days: list[CalendarDayEntry] = []
    problems: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = _normalised(raw)
        if not line:
            continue
        match = pattern.match(line)
        if match is None:
            problems.append(
                _("Line %(line)s (%(text)s): write a date as YYYY-MM-DD, then the holiday's name.")
                % {"line": number, "text": line}
            )
            continue
        first = _parse_date(match["first"])
        last = _parse_date(match["last"]) if match.groupdict().get("last") else first
        if first is None or last is None:
            problems.append(
                _("Line %(line)s (%(text)s): no such date.") % {"line": number, "text": line}
            )
            continue
        if last < first or (last - first).days >= MAX_RANGE_DAYS:
            problems.append(
                _("Line %(line)s (%(text)s): a range runs forward, at most %(days)s days.")
                % {"line": number, "text": line, "days": MAX_RANGE_DAYS}
            )
            continue
        code = holiday_code(match["name"])
        if code is None:
            problems.append(
                _("Line %(line)s (%(text)s): unknown holiday name; use one of: %(names)s.")
                % {
                    "line": number,
                    "text": line,
                    "names": ", ".join(str(label) for label in HolidayName.labels),
                }
            )
            continue
        day = first
        while day <= last:
            days.append(CalendarDayEntry(date=day, kind=kind, holiday=code))
            day += timedelta(days=1)
    return days, problems


def format_days(days: list[CalendarDay], *, kind: str) -> str:
    """The year's days of ``kind`` as lines for the form: consecutive holidays as one range."""
    lines: list[str] = []
    run: list[CalendarDay] = []

    def flush() -> None:
        if not run:
            return
        name = HolidayName(run[0].holiday).label
        if len(run) == 1:
            lines.append(f"{run[0].date.isoformat()} {name}")
        else:
            lines.append(f"{run[0].date.isoformat()}..{run[-1].date.isoformat()} {name}")
        run.clear()

    for day in sorted((day for day in days if day.kind == kind), key=lambda day: day.date):
        joins = (
            kind == DayKind.HOLIDAY
            and run
            and run[-1].holiday == day.holiday
            and day.date - run[-1].date == timedelta(days=1)
        )
        if not joins:
            flush()
        run.append(day)
    flush()
    return "\n".join(lines)


class CalendarYearForm(forms.ModelForm):
    holidays = forms.CharField(
        label=_("Statutory holidays"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 60}),
        help_text=_(
            "One line per day or range of days off, with the holiday's name, e.g. "
            "“2027-02-06..2027-02-14 Spring Festival” or “2027-01-01 New Year's Day”. "
            "Weekend days inside a holiday may be listed or left out."
        ),
    )
    adjusted_workdays = forms.CharField(
        label=_("Adjusted working days"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60}),
        help_text=_(
            "One line per Saturday or Sunday that is worked, with the holiday it makes up for, "
            "e.g. “2027-02-20 Spring Festival”."
        ),
    )

    class Meta:
        model = CalendarYear
        fields = ("year", "reference")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries: list[CalendarDayEntry] = []
        if self.instance.pk is not None and not self.is_bound:
            days = list(self.instance.days.all())
            self.initial["holidays"] = format_days(days, kind=DayKind.HOLIDAY)
            self.initial["adjusted_workdays"] = format_days(days, kind=DayKind.ADJUSTED_WORKDAY)

    def clean(self):
        cleaned = super().clean()
        year = self.instance.year if self.instance.pk is not None else cleaned.get("year")
        holidays, problems = parse_days(cleaned.get("holidays", ""), kind=DayKind.HOLIDAY)
        adjusted, adjusted_problems = parse_days(
            cleaned.get("adjusted_workdays", ""), kind=DayKind.ADJUSTED_WORKDAY
        )
        for problem in problems:
            self.add_error("holidays", problem)
        for problem in adjusted_problems:
            self.add_error("adjusted_workdays", problem)
        if problems or adjusted_problems or year is None:
            return cleaned
        try:
            calendar_validate(year=year, days=holidays + adjusted)
        except CalendarEntryInvalid as invalid:
            for message in invalid.messages:
                self.add_error(None, message)
            return cleaned
        self.entries = holidays + adjusted
        return cleaned


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = CalendarYearForm
    list_display = (
        "year",
        "source",
        "reference",
        "holiday_count",
        "adjusted_count",
        "entered_by",
        "entered_at",
        "revision",
    )
    list_filter = ("source",)
    readonly_fields = ("source", "entered_by", "entered_at", "revision")
    list_select_related = ("entered_by",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                holiday_total=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
                adjusted_total=Count("days", filter=Q(days__kind=DayKind.ADJUSTED_WORKDAY)),
            )
        )

    @admin.display(description=_("holidays"), ordering="holiday_total")
    def holiday_count(self, obj) -> int:
        return obj.holiday_total

    @admin.display(description=_("adjusted working days"), ordering="adjusted_total")
    def adjusted_count(self, obj) -> int:
        return obj.adjusted_total

    def get_readonly_fields(self, request, obj=None):
        return ("year", *self.readonly_fields) if obj is not None else self.readonly_fields

    def get_fields(self, request, obj=None):
        fields = ["year", "reference", "holidays", "adjusted_workdays"]
        return [*fields, *self.readonly_fields] if obj is not None else fields

    def has_delete_permission(self, request, obj=None):
        return False  # an entered year is corrected, never made provisional again

    def save_model(self, request, obj, form, change):
        result = calendar_year_enter(
            year=obj.year,
            days=form.entries,
            actor=request.user,
            reference=form.cleaned_data.get("reference", ""),
        )
        saved = result.calendar_year
        for name in ("year", "source", "reference", "entered_by_id", "entered_at", "revision"):
            setattr(obj, name, getattr(saved, name))
        obj._state.adding = False
        if not result.changed:
            self.message_user(
                request, _("Nothing changed: this schedule is the one already recorded.")
            )
        elif result.moved:
            self.message_user(
                request,
                _("Open deadlines moved later: %(count)s. Bureau staff have been notified.")
                % {"count": len(result.moved)},
                messages.WARNING,
            )
        else:
            self.message_user(request, _("No open deadline had to move."))


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(_ReadOnlyAdmin):
    """The days of the entered years (change them by correcting the year)."""

    list_display = ("date", "weekday", "kind", "holiday", "year")
    list_filter = ("kind", "holiday")
    date_hierarchy = "date"

    @admin.display(description=_("weekday"))
    def weekday(self, obj) -> str:
        return str(WEEKDAYS[obj.date.weekday()])


@admin.register(TrackedDeadline)
class TrackedDeadlineAdmin(_ReadOnlyAdmin):
    """Deadlines computed over the calendar; moved ones show a recomputation time."""

    list_display = (
        "owner",
        "field",
        "rule_label",
        "start",
        "working_days",
        "due_at",
        "provisional",
        "recomputed_at",
        "closed_at",
    )
    list_filter = (
        "provisional",
        "rule",
        ("recomputed_at", admin.EmptyFieldListFilter),
        ("closed_at", admin.EmptyFieldListFilter),
    )
    list_select_related = ("content_type",)
    ordering = (F("recomputed_at").desc(nulls_last=True), "due_at")

    @admin.display(description=_("object"))
    def owner(self, obj) -> str:
        return f"{obj.content_type.name} #{obj.object_id}"

    @admin.display(description=_("rule"), ordering="rule")
    def rule_label(self, obj) -> str:
        return deadline_rule_label(obj.rule)
