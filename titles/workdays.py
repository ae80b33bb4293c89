"""Working days of mainland China (DOMAIN.md rules 1 and 2), read from the calendar tables.

The database is the only source of truth (:mod:`titles.models.calendar`): a year with a
``CalendarYear`` row is official and its ``CalendarDay`` rows are its holidays and adjusted
working days; a year without one is *provisional* (Monday to Friday are working days) and every
deadline computed over it carries a visible mark (:func:`working_days_provisional`, the
``workdays`` template tags).

Caching (see docs/decisions.md, "Working days"): each process keeps the years it has read, so a
call costs at most one query per year, and only the first time. The cache is tagged with a
calendar version kept in the Django cache (Redis, shared by the web and the workers); a calendar
change sets a new version when it commits, and every public call here compares versions first
(one cache read, no query), so another process sees the change at its next call. Without a shared
cache backend (local memory in development) the years are dropped at the start of every request
and every task instead. Inside a transaction that has changed the calendar and not yet committed,
reads bypass the process cache, so uncommitted (possibly rolled back) data is never cached.
"""

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection

from titles.models.calendar import CalendarYear, DayKind

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
END_OF_DAY = time(23, 59, 59, 999999)
NOTICE_WORKING_DAYS = 5  # rule 2: a notice lasts at least 5 full working days
MAX_WORKING_DAYS = 1000  # no rule counts further; bounds the work of one call
VERSION_CACHE_KEY = "workdays:calendar_version"


# --- one year ------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearCalendar:
    """One year's exceptions. ``official`` is false for a year nobody has entered yet."""

    year: int
    official: bool
    holidays: dict[date, str] = field(default_factory=dict)  # date -> HolidayName code
    adjusted_workdays: dict[date, str] = field(default_factory=dict)

    def kind(self, day: date) -> DayKind:
        if day in self.adjusted_workdays:
            return DayKind.ADJUSTED_WORKDAY
        if day in self.holidays:
            return DayKind.HOLIDAY
        return DayKind.WORKDAY if day.weekday() < 5 else DayKind.WEEKEND

    def is_working_day(self, day: date) -> bool:
        return self.kind(day) in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY)


def year_calendar_load(year: int) -> YearCalendar:
    """Read one year from the database: exactly one query (the year LEFT JOIN its days)."""
    rows = list(
        CalendarYear.objects.filter(year=year).values_list(
            "days__date", "days__kind", "days__holiday"
        )
    )
    if not rows:
        return YearCalendar(year=year, official=False)
    holidays: dict[date, str] = {}
    adjusted: dict[date, str] = {}
    for day, kind, holiday in rows:
        if day is None:  # an entered year without exceptions
            continue
        (adjusted if kind == DayKind.ADJUSTED_WORKDAY else holidays)[day] = holiday
    return YearCalendar(year=year, official=True, holidays=holidays, adjusted_workdays=adjusted)


YearSource = Callable[[int], YearCalendar]


def fresh_year_source() -> YearSource:
    """Years read from the database now (memoised for this source only), bypassing the cache.

    Writers use it: the recomputation inside :func:`titles.calendar.calendar_year_enter` must see
    its own uncommitted rows, and :func:`titles.calendar.deadline_track` the latest committed ones.
    """
    years: dict[int, YearCalendar] = {}

    def source(year: int) -> YearCalendar:
        if year not in years:
            years[year] = year_calendar_load(year)
        return years[year]

    return source


# --- the process cache -----------------------------------------------------------------------


class _ProcessCache:
    def __init__(self) -> None:
        self.years: dict[int, YearCalendar] = {}
        self.version: str | None = None

    def clear(self) -> None:
        self.years = {}

    def year(self, year: int) -> YearCalendar:
        found = self.years.get(year)
        if found is None:
            found = self.years[year] = year_calendar_load(year)
        return found


_process_cache = _ProcessCache()

# Within a request or a Celery task the shared version is compared once, at the first call: a
# page of fifty deadlines asks the calendar hundreds of times, and one Redis read per call was
# a quarter of a queue page's CPU (issue #26). A change committed meanwhile is seen from the
# next request or task. Outside them (commands, the shell) every call compares.
_scope = threading.local()


def _cache_is_shared() -> bool:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    return not backend.endswith(("LocMemCache", "DummyCache"))


def _shared_version() -> str | None:
    """The calendar version in the shared cache (created when missing); None when unreadable."""
    try:
        version = cache.get(VERSION_CACHE_KEY)
        if version is None:
            cache.add(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_CACHE_KEY)
        return version
    except Exception:  # the cache server is down: read the database, cache nothing
        logger.warning("calendar version unreadable; reading the calendar uncached", exc_info=True)
        return None


def calendar_cache_clear() -> None:
    """Forget every year this process has read (the next call reads the database again)."""
    _process_cache.clear()


def calendar_changed() -> None:
    """Announce a committed calendar change to every process: a new version, this cache dropped.

    :mod:`titles.calendar` runs it with ``transaction.on_commit`` after each change.
    """
    _process_cache.clear()
    try:
        cache.set(VERSION_CACHE_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.error(
            "could not publish the calendar version; other processes may read the old "
            "calendar until the cache is back",
            exc_info=True,
        )


def _write_pending() -> bool:
    """True inside a transaction that changed the calendar and has not committed yet.

    :mod:`titles.calendar` queues a callback marked ``titles_calendar_change`` with
    ``transaction.on_commit``; Django drops it when its (savepoint's) transaction rolls back.
    """
    return any(
        getattr(entry[1], "titles_calendar_change", False) for entry in connection.run_on_commit
    )


def _year_source() -> YearSource:
    """Where the public functions read years from, for one call."""
    if _write_pending():
        return fresh_year_source()
    if _cache_is_shared():
        in_scope = getattr(_scope, "active", False)
        if in_scope and getattr(_scope, "compared", False):
            return _process_cache.year
        version = _shared_version()
        if version is None:
            return fresh_year_source()
        if version != _process_cache.version:
            _process_cache.clear()
            _process_cache.version = version
        _scope.compared = in_scope
    return _process_cache.year


def _scope_starts(**kwargs) -> None:
    """A request or a Celery task starts: compare the shared version again at its first call
    (and, without a shared cache, read the years again)."""
    _scope.active, _scope.compared = True, False
    if not _cache_is_shared():
        _process_cache.clear()


def _scope_ends(**kwargs) -> None:
    _scope.active = _scope.compared = False


request_started.connect(_scope_starts, dispatch_uid="titles.workdays.request_started")
request_finished.connect(_scope_ends, dispatch_uid="titles.workdays.request_finished")
try:
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_scope_starts, dispatch_uid="titles.workdays.task_prerun")
    task_postrun.connect(_scope_ends, dispatch_uid="titles.workdays.task_postrun")
except ImportError:  # pragma: no cover - Celery is a dependency
    pass


# --- checks of the arguments ---------------------------------------------------------------


def _check_date(value, name: str = "day") -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a date (not a datetime), got {value!r}")
    return value


def _check_count(n) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"the number of working days must be an int, got {n!r}")
    if n < 1:
        raise ValueError(f"the number of working days must be at least 1, got {n}")
    if n > MAX_WORKING_DAYS:
        raise ValueError(f"the number of working days must be at most {MAX_WORKING_DAYS}, got {n}")
    return n


def _local_date(value: datetime) -> date:
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"the datetime must be aware (with a time zone), got {value!r}")
    return value.astimezone(SHANGHAI).date()


def end_of_day(day: date) -> datetime:
    """23:59:59.999999 of ``day`` in Asia/Shanghai (aware)."""
    return datetime.combine(_check_date(day), END_OF_DAY, tzinfo=SHANGHAI)


# --- the computations (over any source of years) -------------------------------------------


def _working_days_after(start: date, source: YearSource) -> Iterator[date]:
    day = start
    while True:
        day += timedelta(days=1)
        if source(day.year).is_working_day(day):
            yield day


def _add(start: date, n: int, source: YearSource) -> date:
    for count, day in enumerate(_working_days_after(start, source), start=1):
        if count == n:
            return day
    raise AssertionError("unreachable")  # pragma: no cover


def _provisional(start: date, end: date, source: YearSource) -> bool:
    return any(not source(year).official for year in range(start.year, end.year + 1))


@dataclass(frozen=True)
class WorkingDayDeadline:
    """A deadline at the end of the ``working_days``-th working day strictly after ``start``."""

    start: date
    working_days: int
    last_day: date
    due_at: datetime
    provisional: bool  # computed over a year whose schedule is not official yet


def deadline_compute(
    *, start: date, working_days: int, source: YearSource | None = None
) -> WorkingDayDeadline:
    """The deadline ``working_days`` working days after ``start``, with its provisional mark."""
    _check_date(start, "start")
    _check_count(working_days)
    source = source or _year_source()
    last_day = _add(start, working_days, source)
    return WorkingDayDeadline(
        start=start,
        working_days=working_days,
        last_day=last_day,
        due_at=end_of_day(last_day),
        provisional=_provisional(start, last_day, source),
    )


# --- the interface (DOMAIN.md) --------------------------------------------------------------


def is_working_day(d: date) -> bool:
    """True for a working day: Monday to Friday unless a holiday, and adjusted working days."""
    _check_date(d)
    return _year_source()(d.year).is_working_day(d)


def day_kind(d: date) -> DayKind:
    """Working day, weekend, statutory holiday or adjusted working day."""
    _check_date(d)
    return _year_source()(d.year).kind(d)


def add_working_days(start: date, n: int) -> date:
    """The ``n``-th working day strictly after ``start`` (``n`` >= 1, else ``ValueError``)."""
    _check_date(start, "start")
    _check_count(n)
    return _add(start, n, _year_source())


def notice_end(published: datetime) -> datetime:
    """When a notice published at ``published`` (aware) ends at the earliest (rule 2).

    The end of the 5th working day after the publishing day: 23:59:59.999999 Asia/Shanghai.
    A naive datetime is a ``ValueError``.
    """
    return end_of_day(add_working_days(_local_date(published), NOTICE_WORKING_DAYS))


def year_is_provisional(year: int) -> bool:
    """True when nobody has entered the official schedule of ``year`` yet."""
    return not _year_source()(year).official


def working_days_provisional(start: date, end: date) -> bool:
    """True when any year from ``start`` to ``end`` is provisional (the result needs the mark)."""
    _check_date(start, "start")
    _check_date(end, "end")
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    return _provisional(start, end, _year_source())


def datetime_is_provisional(value: date | datetime) -> bool:
    """True when the day of ``value`` (in Asia/Shanghai) lies in a provisional year."""
    day = _local_date(value) if isinstance(value, datetime) else _check_date(value)
    return year_is_provisional(day.year)
