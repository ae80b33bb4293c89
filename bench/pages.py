"""Benchmark: SQL queries and server time of every list and queue page, beside a bare view.

    .venv/bin/python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/titles_bench \
        [--requests 60]

In process (Django test Client, ``bench.settings``): for each page, signed in as who would use
it, a few warm-up requests, then ``--requests`` timed ones (at least 10, at most about 15 s).
Prints the number of SQL queries
(from CaptureQueriesContext), median and p95 server time, and the p95 ratio to the bare view
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


def measure(requests: int, max_seconds: float = 15) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = []
    for page in pages():
        client = signed_in_client(page)
        for _ in range(3):
            response = client.get(page.url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.url)
        queries = len(captured.captured_queries)
        timings = []
        give_up = time.perf_counter() + max_seconds
        for _ in range(requests):
            start = time.perf_counter()
            client.get(page.url)
            timings.append(time.perf_counter() - start)
            if len(timings) >= 10 and time.perf_counter() > give_up:
                break
        results.append(
            {
                "page": page.name,
                "url": page.url,
                "status": response.status_code,
                "queries": queries,
                "median_ms": statistics.median(timings) * 1000,
                "p95_ms": p95(timings) * 1000,
                "is_list": page.is_list,
                "timed": len(timings),
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
            "median_ms": statistics.median(trips) * 1000,
            "p95_ms": p95(trips) * 1000,
            "is_list": False,
            "timed": len(trips),
            "bytes": 0,
        }
    )
    bare = results[0]
    for row in results:
        row["ratio_p95"] = row["p95_ms"] / bare["p95_ms"]
    return results


def print_table(results: list[dict], title: str) -> None:
    print(f"\n{title}")
    print(
        f"{'page':24} {'status':>6} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'p95/bare':>9}"
    )
    for row in results:
        print(
            f"{row['page']:24} {row['status']:>6} {row['queries']:>7} {row['median_ms']:>10.1f} "
            f"{row['p95_ms']:>8.1f} {row['ratio_p95']:>9.2f}"
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
