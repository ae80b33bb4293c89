"""Benchmark: SQL queries and server time of every list and queue page, beside a bare view.

    .venv/bin/python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/titles_bench \
        [--requests 60]

In process (Django test Client, ``bench.settings``): for each page, signed in as who would use
it, a few warm-up requests, then ``--requests`` timed ones (at least 10, at most about 15 s),
twice: rendered every time (``PAGE_CACHE_SECONDS = 0``), and as served, where pages marked
``@cached_by_snapshot`` come back from the cache while nothing is written. Prints the SQL
queries of a rendered request and of a served one (CaptureQueriesContext), median and p95
server time as served, the rendered p95, and each p95's ratio to the bare view's
(``/bench/bare/``, a tiny template through the same middleware) measured in the same run.
Nothing here is asserted by the tests; the machines are shared, so read ratios, not times.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import pages, setup, signed_in_client


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(len(ordered) * 0.95) - 1)]


def _timed(client, url: str, requests: int, max_seconds: float) -> list[float]:
    timings = []
    give_up = time.perf_counter() + max_seconds
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        timings.append(time.perf_counter() - start)
        if len(timings) >= 10 and time.perf_counter() > give_up:
            break
    return timings


def measure(requests: int, max_seconds: float = 15) -> list[dict]:
    """Each page twice: rendered every time (``PAGE_CACHE_SECONDS = 0``), then as served, where
    the pages marked ``@cached_by_snapshot`` come from the cache while nothing is written."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    results = []
    for page in pages():
        client = signed_in_client(page)
        with override_settings(PAGE_CACHE_SECONDS=0):
            for _ in range(3):
                response = client.get(page.url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(page.url)
            queries = len(captured.captured_queries)
            rendered = _timed(client, page.url, requests, max_seconds)
        for _ in range(3):
            client.get(page.url)
        with CaptureQueriesContext(connection) as captured:
            client.get(page.url)
        queries_served = len(captured.captured_queries)  # before the next request resets them
        served = _timed(client, page.url, requests, max_seconds)
        results.append(
            {
                "page": page.name,
                "url": page.url,
                "status": response.status_code,
                "queries": queries,
                "queries_served": queries_served,
                "median_ms": statistics.median(served) * 1000,
                "p95_ms": p95(served) * 1000,
                "rendered_median_ms": statistics.median(rendered) * 1000,
                "rendered_p95_ms": p95(rendered) * 1000,
                "is_list": page.is_list,
                "timed": len(served),
                "bytes": len(response.content),
            }
        )
    # One database round trip, for reading the times: a page's floor is its queries times this.
    with connection.cursor() as cursor:
        trips = []
        for _ in range(50):
            start = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            trips.append(time.perf_counter() - start)
    results.append(
        {
            "page": "one query (SELECT 1)",
            "url": "",
            "status": 0,
            "queries": 1,
            "queries_served": 1,
            "median_ms": statistics.median(trips) * 1000,
            "p95_ms": p95(trips) * 1000,
            "rendered_median_ms": statistics.median(trips) * 1000,
            "rendered_p95_ms": p95(trips) * 1000,
            "is_list": False,
            "timed": len(trips),
            "bytes": 0,
        }
    )
    bare = results[0]
    for row in results:
        row["ratio_p95"] = row["p95_ms"] / bare["p95_ms"]
        row["rendered_ratio_p95"] = row["rendered_p95_ms"] / bare["rendered_p95_ms"]
    return results


def print_table(results: list[dict], title: str) -> None:
    print(f"\n{title}")
    print(
        f"{'page':24} {'status':>6} {'queries':>7} {'served':>6} {'median ms':>10} {'p95 ms':>8} "
        f"{'p95/bare':>9} {'rendered p95':>12} {'/bare':>6}"
    )
    for row in results:
        print(
            f"{row['page']:24} {row['status']:>6} {row['queries']:>7} {row['queries_served']:>6} "
            f"{row['median_ms']:>10.1f} {row['p95_ms']:>8.1f} {row['ratio_p95']:>9.2f} "
            f"{row['rendered_p95_ms']:>12.1f} {row['rendered_ratio_p95']:>6.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--json", help="also write the results to this file")
    arguments = parser.parse_args()
    setup(arguments.database_url)
    from applications.models import Application

    count = Application.objects.count()
    results = measure(arguments.requests)
    print_table(results, f"pages at {count:,} applications ({arguments.requests} requests each)")
    if arguments.json:
        Path(arguments.json).write_text(json.dumps({"applications": count, "pages": results}))


if __name__ == "__main__":
    main()
