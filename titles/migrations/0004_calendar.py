# The working-day calendar and the deadlines computed over it (issue 3).
#
# Schema, then the official schedules of 2004-2026 from the chinesecalendar package. The package
# is imported only inside fill_from_package: the running system reads the database alone (the
# package raises NotImplementedError for years it does not cover).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

FIRST_PACKAGE_YEAR = 2004
LAST_PACKAGE_YEAR = 2026


def fill_from_package(apps, schema_editor):
    """One CalendarYear per year 2004-2026 and one CalendarDay per holiday or adjusted day."""
    import chinese_calendar
    from chinese_calendar import constants

    calendar_year = apps.get_model("titles", "CalendarYear")
    calendar_day = apps.get_model("titles", "CalendarDay")
    codes = {holiday.value: holiday.name for holiday in constants.Holiday}
    reference = f"chinesecalendar {getattr(chinese_calendar, '__version__', '')}".strip()
    now = django.utils.timezone.now()
    years = range(FIRST_PACKAGE_YEAR, LAST_PACKAGE_YEAR + 1)
    calendar_year.objects.bulk_create(
        [
            calendar_year(year=year, source="package", reference=reference, entered_at=now)
            for year in years
        ]
    )
    days = [
        calendar_day(year_id=day.year, date=day, kind=kind, holiday=codes.get(name, "other"))
        for kind, table in (
            ("holiday", constants.holidays),
            ("adjusted_workday", constants.workdays),
        )
        for day, name in table.items()
        if FIRST_PACKAGE_YEAR <= day.year <= LAST_PACKAGE_YEAR
    ]
    calendar_day.objects.bulk_create(sorted(days, key=lambda day: day.date), batch_size=1000)


def empty_tables(apps, schema_editor):
    apps.get_model("titles", "CalendarDay").objects.all().delete()
    apps.get_model("titles", "CalendarYear").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("titles", "0003_people"),
    ]

    operations = [
        migrations.CreateModel(
            name="CalendarYear",
            fields=[
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        primary_key=True, serialize=False, verbose_name="year"
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("package", "chinesecalendar data package"),
                            ("staff", "Entered by bureau staff"),
                        ],
                        max_length=20,
                        verbose_name="source",
                    ),
                ),
                (
                    "reference",
                    models.CharField(
                        blank=True,
                        help_text=(
                            "The State Council notice the schedule comes from, "
                            "e.g. its document number."
                        ),
                        max_length=200,
                        verbose_name="reference",
                    ),
                ),
                (
                    "entered_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="entered at"
                    ),
                ),
                ("revision", models.PositiveIntegerField(default=1, verbose_name="revision")),
                (
                    "entered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="entered by",
                    ),
                ),
            ],
            options={
                "verbose_name": "calendar year",
                "verbose_name_plural": "calendar years",
                "ordering": ["-year"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("year__gte", 2000), ("year__lte", 2200)),
                        name="calendar_year_in_range",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="CalendarDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("date", models.DateField(unique=True, verbose_name="date")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("holiday", "Statutory holiday"),
                            ("adjusted_workday", "Adjusted working day"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "holiday",
                    models.CharField(
                        choices=[
                            ("new_years_day", "New Year's Day"),
                            ("spring_festival", "Spring Festival"),
                            ("tomb_sweeping_day", "Tomb-sweeping Day"),
                            ("labour_day", "Labour Day"),
                            ("dragon_boat_festival", "Dragon Boat Festival"),
                            ("mid_autumn_festival", "Mid-autumn Festival"),
                            ("national_day", "National Day"),
                            ("anti_fascist_70th_day", "70th anniversary of the victory day"),
                            ("other", "Other holiday"),
                        ],
                        help_text=(
                            "The holiday, or for an adjusted working day "
                            "the holiday it makes up for."
                        ),
                        max_length=40,
                        verbose_name="holiday",
                    ),
                ),
                (
                    "year",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="days",
                        to="titles.calendaryear",
                        verbose_name="year",
                    ),
                ),
            ],
            options={
                "verbose_name": "calendar day",
                "verbose_name_plural": "calendar days",
                "ordering": ["date"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", ["holiday", "adjusted_workday"])),
                        name="calendar_day_kind_stored",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("kind", "holiday"), ("date__week_day__in", [1, 7]), _connector="OR"
                        ),
                        name="calendar_day_adjusted_on_weekend",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("date__year", models.F("year"))),
                        name="calendar_day_in_its_year",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="TrackedDeadline",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("object_id", models.CharField(max_length=64, verbose_name="object id")),
                ("field", models.CharField(max_length=100, verbose_name="field")),
                (
                    "provisional_field",
                    models.CharField(
                        blank=True, max_length=100, verbose_name="provisional flag field"
                    ),
                ),
                ("rule", models.CharField(max_length=80, verbose_name="rule")),
                ("start", models.DateField(verbose_name="counted after")),
                ("working_days", models.PositiveSmallIntegerField(verbose_name="working days")),
                ("last_day", models.DateField(verbose_name="last day")),
                ("due_at", models.DateTimeField(verbose_name="due at")),
                ("provisional", models.BooleanField(default=False, verbose_name="provisional")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="created at"
                    ),
                ),
                (
                    "recomputed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="recomputed at"),
                ),
                (
                    "closed_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="closed at"),
                ),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        to="contenttypes.contenttype",
                        verbose_name="object type",
                    ),
                ),
            ],
            options={
                "verbose_name": "tracked deadline",
                "verbose_name_plural": "tracked deadlines",
                "ordering": ["due_at", "id"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("closed_at__isnull", True)),
                        fields=["start", "last_day"],
                        name="tracked_deadline_open_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("content_type", "object_id", "field"),
                        name="tracked_deadline_one_per_field",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("working_days__gte", 1)),
                        name="tracked_deadline_positive_days",
                    ),
                ],
            },
        ),
        migrations.RunPython(fill_from_package, empty_tables),
    ]
