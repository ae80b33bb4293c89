"""The working-day calendar (DOMAIN.md rule 1) and the deadlines computed over it.

A :class:`CalendarYear` row means the year's official holiday schedule has been entered (from the
``chinesecalendar`` package by migration 0004 for 2004-2026, later by bureau staff). A year with
no row is *provisional*: Monday to Friday are working days. :class:`CalendarDay` holds only the
exceptions of an entered year: statutory holidays (on any day of the week) and adjusted working
days (a Saturday or Sunday that is worked). Every other day is a working day from Monday to
Friday and a weekend day otherwise. Reads go through :mod:`titles.workdays`, writes through
:mod:`titles.calendar`.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "CalendarDay",
    "CalendarSource",
    "CalendarYear",
    "DayKind",
    "HolidayName",
    "TrackedDeadline",
]


class DayKind(models.TextChoices):
    """What a day is. The table stores only the last two; the first two follow from the weekday."""

    WORKDAY = "workday", _("Working day")
    WEEKEND = "weekend", _("Weekend")
    HOLIDAY = "holiday", _("Statutory holiday")
    ADJUSTED_WORKDAY = "adjusted_workday", _("Adjusted working day")


class HolidayName(models.TextChoices):
    """The statutory holidays (the codes are those of the chinesecalendar package)."""

    NEW_YEARS_DAY = "new_years_day", _("New Year's Day")
    SPRING_FESTIVAL = "spring_festival", _("Spring Festival")
    TOMB_SWEEPING_DAY = "tomb_sweeping_day", _("Tomb-sweeping Day")
    LABOUR_DAY = "labour_day", _("Labour Day")
    DRAGON_BOAT_FESTIVAL = "dragon_boat_festival", _("Dragon Boat Festival")
    MID_AUTUMN_FESTIVAL = "mid_autumn_festival", _("Mid-autumn Festival")
    NATIONAL_DAY = "national_day", _("National Day")
    ANTI_FASCIST_70TH_DAY = "anti_fascist_70th_day", _("70th anniversary of the victory day")
    OTHER = "other", _("Other holiday")


class CalendarSource(models.TextChoices):
    PACKAGE = "package", _("chinesecalendar data package")
    STAFF = "staff", _("Entered by bureau staff")


class CalendarYear(models.Model):
    """A year whose official schedule has been entered (a year without a row is provisional)."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=20, choices=CalendarSource.choices)
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("The State Council notice the schedule comes from, e.g. its document number."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), default=timezone.now)
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2200), name="calendar_year_in_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception in an entered year: a holiday, or a weekend day that is worked."""

    year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("year")
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=[
            (DayKind.HOLIDAY.value, DayKind.HOLIDAY.label),
            (DayKind.ADJUSTED_WORKDAY.value, DayKind.ADJUSTED_WORKDAY.label),
        ],
    )
    holiday = models.CharField(
        _("holiday"),
        max_length=40,
        choices=HolidayName.choices,
        help_text=_("The holiday, or for an adjusted working day the holiday it makes up for."),
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[DayKind.HOLIDAY, DayKind.ADJUSTED_WORKDAY]),
                name="calendar_day_kind_stored",
            ),
            # Django's week_day: 1 is Sunday, 7 is Saturday.
            models.CheckConstraint(
                condition=Q(kind=DayKind.HOLIDAY) | Q(date__week_day__in=[1, 7]),
                name="calendar_day_adjusted_on_weekend",
            ),
            models.CheckConstraint(
                condition=Q(date__year=F("year")), name="calendar_day_in_its_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_kind_display()}"

    @property
    def is_working_day(self) -> bool:
        return self.kind == DayKind.ADJUSTED_WORKDAY


class TrackedDeadline(models.Model):
    """A deadline some object holds in a date-time field, computed over the calendar.

    It is the end of the ``working_days``-th working day strictly after ``start``. When a year it
    touches is entered or corrected, :func:`titles.calendar.calendar_year_enter` recomputes it and
    moves the owner's field later (never earlier). ``closed_at`` is set when the deadline stops
    running (the owner decided, the period was swept); a closed deadline is never recomputed.
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("object type")
    )
    object_id = models.CharField(_("object id"), max_length=64)
    field = models.CharField(_("field"), max_length=100)
    provisional_field = models.CharField(_("provisional flag field"), max_length=100, blank=True)
    rule = models.CharField(_("rule"), max_length=80)
    start = models.DateField(_("counted after"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    last_day = models.DateField(_("last day"))
    due_at = models.DateTimeField(_("due at"))
    provisional = models.BooleanField(_("provisional"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    recomputed_at = models.DateTimeField(_("recomputed at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tracked deadline")
        verbose_name_plural = _("tracked deadlines")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field"], name="tracked_deadline_one_per_field"
            ),
            models.CheckConstraint(
                condition=Q(working_days__gte=1), name="tracked_deadline_positive_days"
            ),
        ]
        indexes = [
            models.Index(
                fields=["start", "last_day"],
                condition=Q(closed_at__isnull=True),
                name="tracked_deadline_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id} {self.field}"
