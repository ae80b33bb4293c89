"""Benchmark: the deadline sweep (``titles.sweep.sweep_run``) over a generated database.

    .venv/bin/python bench/sweep.py --database-url postgres://postgres@127.0.0.1:5432/titles_bench

Times the sweep when nothing is due (median of ``--runs``), prints the plan of each sweeper's
selecting query (EXPLAIN ANALYZE: index scans, not sequential scans), then makes 1,000 deadlines
due (supplement answers, internal notices, agency review times, in one transaction), times one
sweep acting on them and rolls everything back: the database is left as it was, and nothing the
sweep queued is sent (the on-commit hooks never run). Nothing here is asserted by the tests.
"""

import argparse
import json
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup

DUE = {"supplements": 400, "internal_notices": 300, "eligibility_overdue": 300}


def explain(queryset) -> str:
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) {sql}", params)
        return "\n".join(f"    {row[0]}" for row in cursor.fetchall())


def sweeper_queries(now):
    from applications.enums import ApplicationState as S
    from applications.models import Application, InternalNotice, SupplementRequest
    from bureau.models import PublicNoticeEntry
    from review.models import Assignment
    from titles.models import TrackedDeadline

    return {
        "supplements": SupplementRequest.objects.filter(
            due_at__lt=now, answered_at__isnull=True, application__state=S.SUPPLEMENT_REQUESTED
        ).values_list("application_id", flat=True),
        "internal_notices": InternalNotice.objects.filter(
            ends_at__lt=now, passed_at__isnull=True, application__state=S.INTERNAL_NOTICE
        ).values_list("pk", flat=True),
        "eligibility_overdue": Application.objects.filter(
            state=S.ELIGIBILITY_REVIEW, eligibility_due_at__lt=now
        ).values_list("pk", flat=True),
        "panel_opinions_overdue": Assignment.objects.filter(
            status__in=["assigned", "confirmed"], due_at__lt=now, application__state=S.PANEL_REVIEW
        ).values_list("pk", flat=True),
        "public_notices": PublicNoticeEntry.objects.filter(
            notice__ends_at__lt=now, passed_at__isnull=True, application__state=S.PUBLIC_NOTICE
        ).values_list("pk", flat=True),
        "certificates": Application.objects.filter(
            state=S.CERTIFYING, certificate__isnull=True
        ).values_list("pk", flat=True),
        "calendar": TrackedDeadline.objects.filter(
            closed_at__isnull=True, provisional=True
        ).values_list("pk", flat=True),
    }


def make_due(now) -> int:
    from applications.models import Application, InternalNotice, SupplementRequest

    past = now - timedelta(hours=1)
    supplements = SupplementRequest.objects.filter(
        application__state="supplement_requested", answered_at__isnull=True
    ).order_by("pk")[: DUE["supplements"]]
    made = SupplementRequest.objects.filter(
        pk__in=list(supplements.values_list("pk", flat=True))
    ).update(due_at=past)
    notices = InternalNotice.objects.filter(
        application__state="internal_notice", passed_at__isnull=True
    ).order_by("pk")[: DUE["internal_notices"]]
    made += InternalNotice.objects.filter(pk__in=list(notices.values_list("pk", flat=True))).update(
        ends_at=past
    )
    reviews = Application.objects.filter(state="eligibility_review").order_by("pk")[
        : DUE["eligibility_overdue"]
    ]
    made += Application.objects.filter(pk__in=list(reviews.values_list("pk", flat=True))).update(
        eligibility_due_at=past, eligibility_reminded_at=None
    )
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    arguments = parser.parse_args()
    setup(arguments.database_url)
    from django.db import transaction
    from django.utils import timezone

    from applications.models import Application
    from titles.sweep import sweep_run

    count = Application.objects.count()
    open_count = Application.objects.exclude(
        state__in=["certified", "not_approved", "ineligible", "declined", "withdrawn", "revoked"]
    ).count()
    sweep_run()  # warm up
    idle = []
    for _ in range(arguments.runs):
        start = time.perf_counter()
        result = sweep_run()
        idle.append(time.perf_counter() - start)
        assert result.ran and not result.changes, result.changes
    if arguments.explain:
        now = timezone.now()
        for name, queryset in sweeper_queries(now).items():
            print(f"  {name}:\n{explain(queryset)}")
    with transaction.atomic():
        made = make_due(timezone.now())
        start = time.perf_counter()
        result = sweep_run()
        busy = time.perf_counter() - start
        changed = len(result.changes)
        transaction.set_rollback(True)
    rows = {
        "applications": count,
        "open": open_count,
        "idle_median_ms": statistics.median(idle) * 1000,
        "idle_max_ms": max(idle) * 1000,
        "due": made,
        "due_changes": changed,
        "due_ms": busy * 1000,
    }
    print(f"\nsweep at {count:,} applications ({open_count:,} open)")
    print(
        f"  nothing due: median {rows['idle_median_ms']:.1f} ms, max {rows['idle_max_ms']:.1f} ms"
    )
    print(
        f"  {made} due:   {busy * 1000:.0f} ms for {changed} changes "
        f"({busy / made * 1000:.1f} ms each), rolled back"
    )
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
