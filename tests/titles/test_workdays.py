import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache, caches
from django.core.signals import request_finished, request_started
from django.template import Context, Template
from django.utils import translation

from tests.applications.factories import ApplicationFactory
from tests.factories import UserFactory, sign_in_verified
from titles import workdays
from titles.calendar import (
    CalendarDayEntry,
    CalendarEntryInvalid,
    calendar_recompute_sweep,
    calendar_year_enter,
    deadline_close,
    deadline_rule_register,
    deadline_track,
    deadline_tracked,
)
from titles.enums import Role
from titles.models import (
    AuditEvent,
    CalendarDay,
    CalendarYear,
    DayKind,
    Notification,
    TrackedDeadline,
)
from titles.workdays import (
    add_working_days,
    day_kind,
    deadline_compute,
    is_working_day,
    notice_end,
    working_days_provisional,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
H, A = DayKind.HOLIDAY, DayKind.ADJUSTED_WORKDAY
RULE = "test_review"


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def end_of(year, month, day) -> datetime:
    return at(year, month, day, 23, 59, 59, 999999)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Years read in one test (inside its rolled-back transaction) must not reach the next."""
    workdays.calendar_cache_clear()
    yield
    workdays.calendar_cache_clear()


@pytest.fixture(autouse=True)
def _rule():
    deadline_rule_register(RULE, label="review time")


def days_2027(*, new_year: bool = True) -> list[CalendarDayEntry]:
    """A made-up 2027 schedule for these tests (not the State Council's): New Year's Day Fri
    Jan 1 to Sun Jan 3 off; Spring Festival Sat Feb 6 to Sun Feb 14 off, Saturday Feb 20 worked."""
    entries = []
    if new_year:
        entries += [CalendarDayEntry(date(2027, 1, d), H, "new_years_day") for d in (1, 2, 3)]
    entries += [CalendarDayEntry(date(2027, 2, d), H, "spring_festival") for d in range(6, 15)]
    entries += [CalendarDayEntry(date(2027, 2, 20), A, "spring_festival")]
    return entries


# --- the data the migration brings ----------------------------------------------------------


def test_the_migration_fills_2004_to_2026_from_the_package():
    assert list(CalendarYear.objects.order_by("year").values_list("year", flat=True)) == list(
        range(2004, 2027)
    )
    assert set(CalendarYear.objects.values_list("source", flat=True)) == {"package"}
    assert CalendarDay.objects.count() == 771
    assert list(
        CalendarDay.objects.filter(date__year=2026, holiday="spring_festival").values_list(
            "date", "kind"
        )
    ) == [(date(2026, 2, 14), A)] + [(date(2026, 2, d), H) for d in range(15, 24)] + [
        (date(2026, 2, 28), A)
    ]
    assert list(
        CalendarDay.objects.filter(date__year=2026, holiday="national_day").values_list(
            "date", "kind"
        )
    ) == [(date(2026, 9, 20), A)] + [(date(2026, 10, d), H) for d in range(1, 8)] + [
        (date(2026, 10, 10), A)
    ]


# --- rule 1: working days --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        # The 2026 Spring Festival: Sun Feb 15 to Mon Feb 23 off, Saturdays Feb 14 and 28 worked.
        (date(2026, 2, 13), DayKind.WORKDAY),
        (date(2026, 2, 14), DayKind.ADJUSTED_WORKDAY),
        (date(2026, 2, 15), DayKind.HOLIDAY),
        (date(2026, 2, 16), DayKind.HOLIDAY),
        (date(2026, 2, 20), DayKind.HOLIDAY),
        (date(2026, 2, 23), DayKind.HOLIDAY),
        (date(2026, 2, 24), DayKind.WORKDAY),
        (date(2026, 2, 28), DayKind.ADJUSTED_WORKDAY),
        (date(2026, 3, 1), DayKind.WEEKEND),
        # National Day 2026: Oct 1 to 7 off, Sunday Sep 20 and Saturday Oct 10 worked;
        # the Mid-autumn Festival is Fri Sep 25 to Sun Sep 27.
        (date(2026, 9, 19), DayKind.WEEKEND),
        (date(2026, 9, 20), DayKind.ADJUSTED_WORKDAY),
        (date(2026, 9, 25), DayKind.HOLIDAY),
        (date(2026, 9, 30), DayKind.WORKDAY),
        (date(2026, 10, 1), DayKind.HOLIDAY),
        (date(2026, 10, 5), DayKind.HOLIDAY),
        (date(2026, 10, 7), DayKind.HOLIDAY),
        (date(2026, 10, 8), DayKind.WORKDAY),
        (date(2026, 10, 10), DayKind.ADJUSTED_WORKDAY),
        (date(2026, 10, 11), DayKind.WEEKEND),
        # A provisional year: Monday to Friday, whatever the holidays will be.
        (date(2027, 1, 1), DayKind.WORKDAY),
        (date(2027, 1, 2), DayKind.WEEKEND),
    ],
)
def test_day_kind_and_working_day(day, kind):
    assert day_kind(day) == kind
    assert is_working_day(day) is (kind in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 2, 12), 1, date(2026, 2, 13)),
        (date(2026, 2, 12), 2, date(2026, 2, 14)),  # the adjusted Saturday counts
        (date(2026, 2, 12), 3, date(2026, 2, 24)),  # then nine days off
        (date(2026, 2, 14), 1, date(2026, 2, 24)),  # strictly after the start
        (date(2026, 2, 26), 2, date(2026, 2, 28)),
        (date(2026, 2, 26), 3, date(2026, 3, 2)),
        (date(2026, 9, 19), 1, date(2026, 9, 20)),  # an adjusted Sunday
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 9, 30), 3, date(2026, 10, 10)),
        (date(2026, 9, 30), 4, date(2026, 10, 12)),
        (date(2026, 12, 30), 3, date(2027, 1, 4)),  # into provisional 2027: Jan 1 counts
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("published", "ends"),
    [
        # Friday before the Spring Festival: Sat Feb 14, then Feb 24, 25, 26, 27.
        (at(2026, 2, 13, 10, 0), end_of(2026, 2, 27)),
        # Published on the adjusted Saturday itself: that day does not count; Feb 24 to 27,
        # then the adjusted Saturday Feb 28.
        (at(2026, 2, 14, 23, 30), end_of(2026, 2, 28)),
        # Just before National Day: Oct 8, 9, Sat Oct 10, 12, 13.
        (at(2026, 9, 30, 9, 0), end_of(2026, 10, 13)),
        # The publishing day is the day in Shanghai: 15:59 UTC is 23:59 on Feb 13 ...
        (datetime(2026, 2, 13, 15, 59, tzinfo=UTC), end_of(2026, 2, 27)),
        # ... and 16:30 UTC is already Feb 14.
        (datetime(2026, 2, 13, 16, 30, tzinfo=UTC), end_of(2026, 2, 28)),
    ],
)
def test_notice_end(published, ends):
    result = notice_end(published)
    assert result == ends
    assert result.tzinfo == SHANGHAI
    assert (result.hour, result.minute, result.second) == (23, 59, 59)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(date(2026, 2, 13), 0)
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(date(2026, 2, 13), -3)
    with pytest.raises(ValueError, match="at most 1000"):
        add_working_days(date(2026, 2, 13), 1001)
    with pytest.raises(ValueError, match="must be aware"):
        notice_end(datetime(2026, 2, 13, 10, 0))
    with pytest.raises(TypeError):
        notice_end(date(2026, 2, 13))
    with pytest.raises(TypeError):
        add_working_days(at(2026, 2, 13, 10, 0), 1)
    with pytest.raises(TypeError):
        add_working_days(date(2026, 2, 13), True)
    with pytest.raises(TypeError):
        add_working_days(date(2026, 2, 13), 2.0)
    with pytest.raises(TypeError):
        is_working_day("2026-02-13")
    with pytest.raises(ValueError, match="before start"):
        working_days_provisional(date(2026, 2, 13), date(2026, 2, 12))


def test_a_deadline_into_a_provisional_year_is_marked():
    deadline = deadline_compute(start=date(2026, 12, 30), working_days=3)
    assert deadline.last_day == date(2027, 1, 4)
    assert deadline.due_at == end_of(2027, 1, 4)
    assert deadline.provisional is True
    assert working_days_provisional(date(2026, 12, 30), date(2027, 1, 4)) is True
    assert working_days_provisional(date(2026, 1, 1), date(2026, 12, 31)) is False
    inside_2026 = deadline_compute(start=date(2026, 2, 12), working_days=3)
    assert (inside_2026.due_at, inside_2026.provisional) == (end_of(2026, 2, 24), False)


@pytest.mark.parametrize(("language", "mark"), [("zh-hans", "（暂定）"), ("en", "(provisional)")])
def test_the_template_shows_the_provisional_mark(language, mark):
    template = Template(
        "{% load workdays %}[{% deadline later %}][{% deadline earlier %}]"
        "[{% deadline earlier provisional=True %}][{{ later|provisional_mark }}]"
        "[{% deadline none %}]"
    )
    with translation.override(language):
        html = template.render(
            Context({"later": end_of(2027, 1, 4), "earlier": end_of(2026, 2, 24), "none": None})
        )
    span = '<span class="provisional" title="'
    parts = html.split("][")
    assert (
        parts[0]
        == '[<time datetime="2027-01-04T23:59:59.999999+08:00">2027-01-04</time> '
        + (parts[0].split("</time> ")[1])
    )
    assert span in parts[0] and parts[0].endswith(f"{mark}</span>")
    assert parts[1] == '<time datetime="2026-02-24T23:59:59.999999+08:00">2026-02-24</time>'
    assert parts[2].endswith(f"{mark}</span>")
    assert parts[3].startswith(f" {span}") and parts[3].endswith(f"{mark}</span>")
    assert parts[4] == "—]"


# --- the cache -------------------------------------------------------------------------------


def test_one_query_per_year_at_most(django_assert_max_num_queries, django_assert_num_queries):
    with django_assert_max_num_queries(1):
        assert add_working_days(date(2026, 2, 12), 3) == date(2026, 2, 24)
        assert notice_end(at(2026, 9, 30, 9, 0)) == end_of(2026, 10, 13)
        assert [is_working_day(date(2026, 10, d)) for d in range(1, 12)] == [False] * 7 + [
            True,
            True,
            True,
            False,
        ]
    with django_assert_max_num_queries(1):  # 2027 is new; 2026 is cached
        assert add_working_days(date(2026, 12, 30), 3) == date(2027, 1, 4)
        assert working_days_provisional(date(2026, 12, 30), date(2027, 1, 4)) is True
    with django_assert_num_queries(0):
        assert add_working_days(date(2026, 12, 30), 40) == date(2027, 2, 24)
        assert is_working_day(date(2027, 3, 1)) is True


def test_a_change_in_another_process_is_seen_at_the_next_call(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert is_working_day(date(2026, 2, 16)) is False
    with django_assert_num_queries(0):
        assert is_working_day(date(2026, 2, 16)) is False
    cache.set(workdays.VERSION_CACHE_KEY, f"another process {uuid.uuid4().hex}", timeout=None)
    with django_assert_num_queries(1):
        assert is_working_day(date(2026, 2, 16)) is False


def test_without_a_shared_cache_each_request_reads_again(settings, django_assert_num_queries):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with django_assert_num_queries(1):
        assert is_working_day(date(2026, 2, 14)) is True
    with django_assert_num_queries(0):
        assert is_working_day(date(2026, 2, 14)) is True
    # Connected to request_started and task_prerun (sending request_started here would also
    # close the test's database connection).
    assert "titles.workdays.request_started" in [key[0][0] for key in request_started.receivers]
    workdays._scope_starts(sender=None)
    try:
        with django_assert_num_queries(1):
            assert is_working_day(date(2026, 2, 14)) is True
    finally:
        workdays._scope_ends(sender=None)


def test_a_request_compares_the_shared_version_once(django_assert_num_queries, monkeypatch):
    """Within a request (or a task) the first call compares the version in Redis and the rest
    do not (a queue page asks the calendar hundreds of times); a change another process
    commits meanwhile is seen from the next request."""
    assert "titles.workdays.request_finished" in [key[0][0] for key in request_finished.receivers]
    backend = caches["default"]
    real_get = backend.get
    reads = []

    def counted_get(key, *args, **kwargs):
        reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(backend, "get", counted_get)
    workdays._scope_starts(sender=None)
    try:
        assert [is_working_day(date(2026, 2, d)) for d in (14, 15, 16)] == [True, False, False]
        assert reads == [workdays.VERSION_CACHE_KEY]
        cache.set(workdays.VERSION_CACHE_KEY, f"another process {uuid.uuid4().hex}", timeout=None)
        with django_assert_num_queries(0):  # the same request: the calendar it began with
            assert is_working_day(date(2026, 2, 16)) is False
        workdays._scope_ends(sender=None)
        workdays._scope_starts(sender=None)  # the next request
        with django_assert_num_queries(1):
            assert is_working_day(date(2026, 2, 16)) is False
        assert reads == [workdays.VERSION_CACHE_KEY] * 2
    finally:
        workdays._scope_ends(sender=None)
    is_working_day(date(2026, 2, 16))  # outside a request every call compares again
    assert reads == [workdays.VERSION_CACHE_KEY] * 3


def test_when_the_cache_server_is_down_the_calendar_is_read_uncached(
    settings, django_assert_num_queries
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with django_assert_num_queries(2):
        assert is_working_day(date(2026, 2, 14)) is True
        assert add_working_days(date(2026, 2, 12), 3) == date(2026, 2, 24)


def test_an_entered_year_is_read_in_its_transaction_and_published_on_commit(
    django_capture_on_commit_callbacks,
):
    assert workdays.year_is_provisional(2027) is True
    version = cache.get(workdays.VERSION_CACHE_KEY)
    with django_capture_on_commit_callbacks() as callbacks:
        calendar_year_enter(year=2027, days=days_2027(), actor=None)
        # Before the commit: the writer's own transaction sees 2027, the process cache holds
        # nothing of it (a rollback would leave nothing behind).
        assert workdays.year_is_provisional(2027) is False
        assert is_working_day(date(2027, 1, 1)) is False
        assert workdays._process_cache.years[2027].official is False
    assert len(callbacks) == 1
    callbacks[0]()
    assert cache.get(workdays.VERSION_CACHE_KEY) != version
    assert 2027 not in workdays._process_cache.years
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


# --- entering a year and recomputing deadlines -----------------------------------------------


def test_entering_2027_moves_open_deadlines_later_never_earlier():
    staff = UserFactory(real_name="市局张三", roles=[Role.BUREAU_STAFF])
    enterer = UserFactory(is_staff=True, is_superuser=True, preferred_language="en")
    later, next_day, earlier, closed, changed = (ApplicationFactory() for _ in range(5))
    with time_machine.travel(at(2026, 12, 24, 10, 0), tick=False):
        # 15 working days after Thu Dec 24, counting Fri Jan 1: Thu Jan 14 (provisional).
        due = deadline_track(
            obj=later,
            field="eligibility_due_at",
            start=date(2026, 12, 24),
            working_days=15,
            rule=RULE,
        )
        deadline_track(
            obj=next_day,
            field="eligibility_due_at",
            start=date(2026, 12, 31),
            working_days=1,
            rule=RULE,
        )
        # Fri Feb 19 + 1: Mon Feb 22 provisionally; the worked Saturday Feb 20 would be earlier.
        deadline_track(
            obj=earlier,
            field="eligibility_due_at",
            start=date(2027, 2, 19),
            working_days=1,
            rule=RULE,
        )
        deadline_track(
            obj=closed,
            field="eligibility_due_at",
            start=date(2026, 12, 31),
            working_days=1,
            rule=RULE,
        )
        deadline_close(obj=closed, field="eligibility_due_at")
        deadline_track(
            obj=changed,
            field="eligibility_due_at",
            start=date(2026, 12, 31),
            working_days=1,
            rule=RULE,
        )
        changed.eligibility_due_at = end_of(2027, 3, 1)  # set by its owner since
        changed.save(update_fields=["eligibility_due_at"])
    assert due == end_of(2027, 1, 14)
    assert type(later).objects.get(pk=later.pk).eligibility_due_at == end_of(2027, 1, 14)
    assert deadline_tracked(obj=later, field="eligibility_due_at").provisional is True

    with time_machine.travel(at(2026, 12, 28, 9, 0), tick=False):
        result = calendar_year_enter(
            year=2027, days=days_2027(), actor=enterer, reference="国办发明电〔2026〕1号"
        )

    assert (result.created, result.changed) == (True, True)
    assert [(m.owner.pk, m.old_due_at, m.new_due_at) for m in result.moved] == [
        (later.pk, end_of(2027, 1, 14), end_of(2027, 1, 15)),
        (next_day.pk, end_of(2027, 1, 1), end_of(2027, 1, 4)),
    ]
    due_dates = {
        application.pk: type(application).objects.get(pk=application.pk).eligibility_due_at
        for application in (later, next_day, earlier, closed, changed)
    }
    assert due_dates == {
        later.pk: end_of(2027, 1, 15),
        next_day.pk: end_of(2027, 1, 4),
        earlier.pk: end_of(2027, 2, 22),  # not Sat Feb 20: never earlier
        closed.pk: end_of(2027, 1, 1),  # closed: left alone
        changed.pk: end_of(2027, 3, 1),
    }
    tracked = {t.object_id: t for t in TrackedDeadline.objects.all()}
    assert (tracked[str(later.pk)].provisional, tracked[str(later.pk)].last_day) == (
        False,
        date(2027, 1, 15),
    )
    assert tracked[str(earlier.pk)].provisional is False
    assert tracked[str(earlier.pk)].recomputed_at == at(2026, 12, 28, 9, 0)
    assert tracked[str(changed.pk)].closed_at == at(2026, 12, 28, 9, 0)

    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.entered_by, year.reference, year.revision) == (
        "staff",
        enterer,
        "国办发明电〔2026〕1号",
        1,
    )
    assert CalendarDay.objects.filter(year=year).count() == 13
    events = list(
        AuditEvent.objects.filter(action__in=["calendar.year_enter", "deadline.recompute"])
        .order_by("id")
        .values_list("action", "object_type", "object_id", "actor_id")
    )
    assert events == [
        ("calendar.year_enter", "titles.calendaryear", "2027", enterer.pk),
        ("deadline.recompute", "applications.application", str(later.pk), enterer.pk),
        ("deadline.recompute", "applications.application", str(next_day.pk), enterer.pk),
        ("deadline.recompute", "applications.application", str(earlier.pk), enterer.pk),
    ]
    entered = AuditEvent.objects.get(action="calendar.year_enter")
    assert entered.data["added"][:2] == [
        "2027-01-01 holiday new_years_day",
        "2027-01-02 holiday new_years_day",
    ]
    assert entered.data["removed"] == []
    assert AuditEvent.objects.get(action="deadline.recompute", object_id=str(later.pk)).data == {
        "years": "2027",  # the reason, worded per reader (issue 22)
        "field": "eligibility_due_at",
        "rule": RULE,
        "from": "2027-01-14T23:59:59.999999+08:00",
        "to": "2027-01-15T23:59:59.999999+08:00",
        "provisional_from": True,
        "provisional_to": False,
    }

    # Staff (and the one who entered it) are told which deadlines moved.
    for person in (staff, enterer):
        notices = list(Notification.objects.filter(recipient=person))
        assert [(n.kind, n.context["year"], n.context["count"]) for n in notices] == [
            ("calendar_deadlines_moved", "2027", 2)
        ]
        assert notices[0].url == "/admin/titles/trackeddeadline/"
    assert Notification.objects.get(recipient=enterer).context["moved"] == (
        f"{later}, review time: 2027-01-14 → 2027-01-15\n"
        f"{next_day}, review time: 2027-01-01 → 2027-01-04"
    )

    # A correction that takes New Year's Day off again would make them earlier: they stay.
    with time_machine.travel(at(2026, 12, 29, 9, 0), tick=False):
        correction = calendar_year_enter(
            year=2027, days=days_2027(new_year=False), actor=enterer, reference="更正"
        )
    assert correction.created is False
    assert correction.moved == []
    assert type(later).objects.get(pk=later.pk).eligibility_due_at == end_of(2027, 1, 15)
    assert type(later).objects.get(pk=next_day.pk).eligibility_due_at == end_of(2027, 1, 4)
    corrected = AuditEvent.objects.get(action="calendar.year_correct")
    assert corrected.data == {
        "year": 2027,
        "added": [],
        "removed": [
            "2027-01-01 holiday new_years_day",
            "2027-01-02 holiday new_years_day",
            "2027-01-03 holiday new_years_day",
        ],
        "revision": 2,
    }
    assert CalendarYear.objects.get(year=2027).revision == 2
    assert is_working_day(date(2027, 1, 1)) is True

    # Entering the same again changes nothing and records nothing.
    count = AuditEvent.objects.count()
    again = calendar_year_enter(
        year=2027, days=days_2027(new_year=False), actor=enterer, reference="更正"
    )
    assert (again.changed, AuditEvent.objects.count()) == (False, count)


def test_a_deadline_tracked_too_late_for_the_entry_is_caught_by_the_sweep():
    application = ApplicationFactory()
    deadline_track(
        obj=application,
        field="eligibility_due_at",
        start=date(2026, 12, 31),
        working_days=1,
        rule=RULE,
    )
    # As if the calendar had been entered by a transaction that could not see this deadline.
    year = CalendarYear.objects.create(year=2027, source="staff")
    CalendarDay.objects.create(year=year, date=date(2027, 1, 1), kind=H, holiday="new_years_day")
    with time_machine.travel(at(2027, 1, 2, 3, 0), tick=False):
        changes = calendar_recompute_sweep(at(2027, 1, 2, 3, 0))
    assert changes == [
        f"deadline application {application.pk} eligibility_due_at: "
        "2027-01-01T23:59:59.999999+08:00 -> 2027-01-04T23:59:59.999999+08:00"
    ]
    assert type(application).objects.get(pk=application.pk).eligibility_due_at == end_of(2027, 1, 4)
    assert calendar_recompute_sweep(at(2027, 1, 2, 3, 5)) == []


def test_track_refuses_what_it_cannot_track():
    application = ApplicationFactory()
    with pytest.raises(ValueError, match="Unknown deadline rule"):
        deadline_track(
            obj=application,
            field="eligibility_due_at",
            start=date(2026, 3, 2),
            working_days=15,
            rule="nobody_registered_this",
        )
    with pytest.raises(ValueError, match="no field"):
        deadline_track(
            obj=application,
            field="nope_due_at",
            start=date(2026, 3, 2),
            working_days=15,
            rule=RULE,
        )
    with pytest.raises(ValueError, match="at least 1"):
        deadline_track(
            obj=application,
            field="eligibility_due_at",
            start=date(2026, 3, 2),
            working_days=0,
            rule=RULE,
        )
    assert not TrackedDeadline.objects.exists()


@pytest.mark.parametrize(
    ("year", "days", "message"),
    [
        (2027, [CalendarDayEntry(date(2027, 1, 4), A, "new_years_day")], "is a weekday"),
        (2027, [CalendarDayEntry(date(2028, 1, 1), H, "new_years_day")], "is not in 2027"),
        (2027, [CalendarDayEntry(date(2027, 1, 1), H, "christmas")], "unknown holiday"),
        (2027, [CalendarDayEntry(date(2027, 1, 1), "weekend", "new_years_day")], "holiday or"),
        (
            2027,
            [CalendarDayEntry(date(2027, 1, 1), H, "new_years_day")] * 2,
            "entered twice",
        ),
        (1999, [], "between 2000 and 2200"),
    ],
)
def test_a_bad_entry_is_refused_and_changes_nothing(year, days, message):
    with translation.override("en"), pytest.raises(CalendarEntryInvalid, match=message):
        calendar_year_enter(year=year, days=days, actor=None)
    assert not CalendarYear.objects.filter(year__gt=2026).exists()
    assert not AuditEvent.objects.filter(action__startswith="calendar.").exists()


# --- the admin -------------------------------------------------------------------------------


HOLIDAYS_TEXT = (
    "２０２７－０１－０１～２０２７-01-03 元旦\n2027-02-06..2027-02-14 Spring Festival\n"
)


@pytest.fixture
def admin_user():
    return UserFactory(is_staff=True, is_superuser=True, real_name="市局管理员")


@pytest.fixture
def admin_client(client, admin_user):
    """A superuser signed in with a verified second factor (the admin requires one)."""
    return sign_in_verified(client, admin_user)


def test_entering_a_year_in_the_admin_is_audited(admin_client, admin_user):
    response = admin_client.post(
        "/admin/titles/calendaryear/add/",
        {
            "year": "2027",
            "reference": "国办发明电〔2026〕1号",
            "holidays": HOLIDAYS_TEXT,
            "adjusted_workdays": "2027-02-20 春节",
        },
    )
    assert response.status_code == 302, response.content.decode()
    year = CalendarYear.objects.get(year=2027)
    assert (year.source, year.entered_by) == ("staff", admin_user)
    assert list(year.days.values_list("date", "kind", "holiday")) == (
        [(date(2027, 1, d), H, "new_years_day") for d in (1, 2, 3)]
        + [(date(2027, 2, d), H, "spring_festival") for d in range(6, 15)]
        + [(date(2027, 2, 20), A, "spring_festival")]
    )
    event = AuditEvent.objects.get(action="calendar.year_enter")
    assert (event.actor, event.object_id, event.reason) == (admin_user, "2027", year.reference)
    assert len(event.data["added"]) == 13

    with translation.override("en"):
        page = admin_client.get(
            "/admin/titles/calendaryear/2027/change/", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "2027-01-01..2027-01-03 " in page
    assert "2027-02-06..2027-02-14 " in page
    assert "2027-02-20 " in page

    response = admin_client.post(
        "/admin/titles/calendaryear/2027/change/",
        {
            "reference": "国办发明电〔2026〕1号",
            "holidays": HOLIDAYS_TEXT + "2027-10-01..2027-10-07 国庆节\n",
            "adjusted_workdays": "2027-02-20 春节",
        },
    )
    assert response.status_code == 302
    correction = AuditEvent.objects.get(action="calendar.year_correct")
    assert correction.data["added"] == [f"2027-10-0{d} holiday national_day" for d in range(1, 8)]
    assert is_working_day(date(2027, 10, 4)) is False


@pytest.mark.parametrize(
    ("holidays", "adjusted", "message"),
    [
        ("2027-01-01 Christmas", "", "unknown holiday name"),
        ("2027-13-01 元旦", "", "no such date"),
        ("01/01/2027 元旦", "", "write a date as YYYY-MM-DD"),
        ("2027-01-03..2027-01-01 元旦", "", "a range runs forward"),
        ("2027-01-01 元旦", "2027-01-04 元旦", "only a Saturday or Sunday"),
        ("2026-10-01 国庆节", "", "is not in 2027"),
        ("", "", "This field is required"),
    ],
)
def test_a_bad_entry_in_the_admin_is_a_form_error(admin_client, holidays, adjusted, message):
    with translation.override("en"):
        response = admin_client.post(
            "/admin/titles/calendaryear/add/",
            {"year": "2027", "reference": "", "holidays": holidays, "adjusted_workdays": adjusted},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not AuditEvent.objects.filter(action__startswith="calendar.").exists()


def test_the_calendar_admin_pages_load(admin_client):
    for url in [
        "/admin/titles/calendaryear/",
        "/admin/titles/calendaryear/add/",
        "/admin/titles/calendaryear/2026/change/",
        "/admin/titles/calendarday/",
        "/admin/titles/trackeddeadline/",
    ]:
        response = admin_client.get(url)
        assert (url, response.status_code) == (url, 200)
    assert admin_client.get("/admin/titles/calendaryear/2026/delete/").status_code == 403
    assert admin_client.get("/admin/titles/calendarday/add/").status_code == 403


def test_a_notice_end_and_its_provisional_flag_follow_the_entry():
    from applications.models import InternalNotice

    moved = []
    deadline_rule_register("test_notice", label="internal notice", on_moved=moved.append)
    application = ApplicationFactory()
    published = at(2026, 12, 29, 10, 0)
    notice = InternalNotice.objects.create(
        application=application,
        organization=application.employer,
        text="公示",
        working_days=5,
        published_at=published,
        ends_at=published,
        opened_by=application.applicant,
    )
    # Dec 30, 31, Jan 1 (provisionally a working day), Jan 4, 5.
    due = deadline_track(
        obj=notice,
        field="ends_at",
        provisional_field="provisional",
        start=date(2026, 12, 29),
        working_days=5,
        rule="test_notice",
    )
    assert (due, notice.ends_at, notice.provisional) == (end_of(2027, 1, 5), due, True)
    stored = InternalNotice.objects.get(pk=notice.pk)
    assert (stored.ends_at, stored.provisional) == (end_of(2027, 1, 5), True)
    template = Template("{% load workdays %}{% deadline notice.ends_at %}")
    with translation.override("zh-hans"):
        assert template.render(Context({"notice": stored})).endswith("（暂定）</span>")

    calendar_year_enter(year=2027, days=days_2027(), actor=None)

    stored = InternalNotice.objects.get(pk=notice.pk)
    # Jan 1 to 3 are off now: Dec 30, 31, Jan 4, 5, 6.
    assert (stored.ends_at, stored.provisional) == (end_of(2027, 1, 6), False)
    assert [(move.owner.pk, move.new_due_at) for move in moved] == [(notice.pk, end_of(2027, 1, 6))]
    with translation.override("zh-hans"):
        assert template.render(Context({"notice": stored})) == (
            '<time datetime="2027-01-06T23:59:59.999999+08:00">2027-01-06</time>'
        )
    assert deadline_close(obj=notice, field="ends_at") is True
    assert deadline_close(obj=notice, field="ends_at") is False
