"""Statistics for staff (issue #23): the year at a glance, per round, series and category.

Every figure is an aggregate in the database except the stage durations: the application's
audited transitions (``AuditEvent`` with its ``from_state``/``to_state``) give, with a window
function, when each application entered and left each state; the working days between the two
(DOMAIN.md rule 1, ``titles.workdays``) are counted in Python against one table of the period's
working days, and summarised as a median and a 90th percentile.
"""

import bisect
import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import CharField, Count, F, Q, QuerySet, Window
from django.db.models.functions import Cast, Lead
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationState, Category, ObjectionStatus
from applications.models import Application, InternalObjection, SupplementRequest
from applications.selectors import eligibility_overdue
from bureau.models import PublicObjection
from committee.enums import BallotStatus
from committee.models import AgendaItem
from review.enums import AssignmentStatus
from review.models import Assignment
from titles.models import AuditEvent
from titles.models.people import localised
from titles.workdays import is_working_day

S = ApplicationState

# The stages whose length is measured: the state an application waits in, by its name.
STAGES = [
    S.EMPLOYER_REVIEW,
    S.INTERNAL_NOTICE,
    S.ELIGIBILITY_REVIEW,
    S.SUPPLEMENT_REQUESTED,
    S.PANEL_REVIEW,
    S.COMMITTEE_REVIEW,
    S.BUREAU_REVIEW,
    S.PUBLIC_NOTICE,
    S.CERTIFYING,
]


@dataclass
class Statistics:
    total: int = 0
    by_state: list[tuple[str, str, int]] = field(default_factory=list)
    durations: list[dict] = field(default_factory=list)
    overdue: list[tuple[str, int]] = field(default_factory=list)
    committee: dict = field(default_factory=dict)
    supplements: int = 0
    objections: list[tuple[str, str, int]] = field(default_factory=list)
    by_series: list[tuple[str, int, int]] = field(default_factory=list)
    by_category: list[tuple[str, int, int]] = field(default_factory=list)


def applications_for(*, year=None, round_id=None, series_id=None, category="") -> QuerySet:
    """The applications counted: submitted ones, in the year (of first submission, Beijing)
    or the round, the series and the category chosen."""
    queryset = Application.objects.filter(submitted_at__isnull=False)
    if year:
        queryset = queryset.filter(submitted_at__year=year)
    if round_id:
        queryset = queryset.filter(round_id=round_id)
    if series_id:
        queryset = queryset.filter(title_series_id=series_id)
    if category:
        queryset = queryset.filter(category=category)
    return queryset


def statistics(applications, *, now: datetime | None = None) -> Statistics:
    now = now or timezone.now()
    result = Statistics()
    labels = dict(ApplicationState.choices)
    counts = dict(
        applications.order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    result.total = sum(counts.values())
    result.by_state = [(state, labels[state], counts[state]) for state in S if counts.get(state)]
    result.durations = stage_durations(applications)
    certified = Count("pk", filter=Q(state__in=[S.CERTIFYING, S.CERTIFIED]))
    result.by_series = [
        (localised(name, name_en) if name else "—", n, done)
        for name, name_en, n, done in applications.order_by()
        .values_list("title_series__name", "title_series__name_en")
        .annotate(n=Count("pk"), done=certified)
        .order_by("title_series__name")
        .values_list("title_series__name", "title_series__name_en", "n", "done")
    ]
    category_labels = dict(Category.choices)
    result.by_category = [
        (category_labels.get(category, "—"), n, done)
        for category, n, done in applications.order_by()
        .values_list("category")
        .annotate(n=Count("pk"), done=certified)
        .order_by("category")
        .values_list("category", "n", "done")
    ]
    result.overdue = [
        (
            _("Eligibility reviews past the agency's time"),
            applications.filter(eligibility_overdue(now)).count(),
        ),
        (
            _("Expert opinions past their due date"),
            Assignment.objects.filter(
                application__in=applications,
                status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.CONFIRMED],
                due_at__lt=now,
            )
            .filter(Q(opinion__isnull=True) | Q(opinion__submitted_at__isnull=True))
            .count(),
        ),
    ]
    decided = AgendaItem.objects.filter(application__in=applications, status=BallotStatus.CLOSED)
    votes = decided.aggregate(decided=Count("pk"), approved=Count("pk", filter=Q(approved=True)))
    votes["rate"] = (
        round(100 * votes["approved"] / votes["decided"], 1) if votes["decided"] else None
    )
    result.committee = votes
    result.supplements = SupplementRequest.objects.filter(application__in=applications).count()
    outcome_labels = dict(ObjectionStatus.choices)
    for kind, model, link in (
        (_("Internal notice"), InternalObjection, "notice__application__in"),
        (_("Public notice"), PublicObjection, "entry__application__in"),
    ):
        outcomes = dict(
            model.objects.filter(**{link: applications})
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        for status in ObjectionStatus:
            result.objections.append((kind, outcome_labels[status], outcomes.get(status, 0)))
    return result


def stage_durations(applications) -> list[dict]:
    """Per stage: how many applications left it, and the median and 90th percentile of the
    working days they spent in it (entered to left, counted after the day it was entered)."""
    keys = applications.order_by().annotate(key=Cast("pk", CharField())).values("key")
    stays = (
        AuditEvent.objects.filter(object_type="applications.application", object_id__in=keys)
        .exclude(to_state="")
        .annotate(
            left_at=Window(
                Lead("occurred_at"), partition_by=[F("object_id")], order_by=F("occurred_at").asc()
            )
        )
        .values_list("to_state", "occurred_at", "left_at")
    )
    spans: dict[str, list[tuple[date, date]]] = {}
    first = last = None
    for state, entered, left in stays:
        if left is None or state not in STAGES:
            continue
        span = (timezone.localdate(entered), timezone.localdate(left))
        spans.setdefault(state, []).append(span)
        first = span[0] if first is None else min(first, span[0])
        last = span[1] if last is None else max(last, span[1])
    if not spans:
        return []
    working = _working_days(first, last)
    labels = dict(ApplicationState.choices)
    rows = []
    for state in STAGES:
        lengths = sorted(
            bisect.bisect_right(working, end) - bisect.bisect_right(working, start)
            for start, end in spans.get(state, [])
        )
        if lengths:
            rows.append(
                {
                    "state": state,
                    "label": labels[state],
                    "count": len(lengths),
                    "median": _percentile(lengths, 50),
                    "p90": _percentile(lengths, 90),
                }
            )
    return rows


def _working_days(first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _percentile(sorted_values: list[int], percent: int) -> float:
    """The nearest-rank percentile (the median of an even count: the mean of the two middle)."""
    if percent == 50 and len(sorted_values) % 2 == 0:
        middle = len(sorted_values) // 2
        return (sorted_values[middle - 1] + sorted_values[middle]) / 2
    rank = max(math.ceil(percent / 100 * len(sorted_values)), 1)
    return float(sorted_values[rank - 1])


def bar_chart(rows: list[tuple[str, float]], *, unit: str = "") -> str:
    """A horizontal bar chart as inline SVG (no script; the page's table has the same figures)."""
    if not rows:
        return ""
    top = max(value for _label, value in rows) or 1
    height = 24 * len(rows) + 8
    bars = []
    for index, (label, value) in enumerate(rows):
        y = 4 + 24 * index
        width = 0 if not value else max(2, 300 * value / top)
        bars.append(
            f'<text x="196" y="{y + 15}" text-anchor="end" font-size="12">{escape(label)}</text>'
            f'<rect x="200" y="{y + 3}" width="{width:.1f}" height="16" fill="#9c1c1c"/>'
            f'<text x="{204 + width:.1f}" y="{y + 15}" font-size="12">'
            f"{escape(value)}{escape(unit)}</text>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560 {height}" role="img" '
        f'aria-hidden="true" class="chart" width="100%" style="max-width: 640px">'
        f"{''.join(bars)}</svg>"
    )
