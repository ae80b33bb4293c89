"""Benchmark: SQL queries and server time of every list and queue page, beside a bare view.

    .venv/bin/python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/titles_bench \
        [--requests 60] [--write-rate 5]

In process (Django test Client, ``bench.settings``), while ``bench/writer.py`` commits
``--write-rate`` times a second what users write (sessions, drafts, uploads, notifications,
verifications): for each page, signed in as who would use it, a few warm-up requests, then
``--requests`` timed ones (at least 10, at most about 15 s). Prints the SQL queries of one
request (CaptureQueriesContext), median and p95 server time, the p95's ratio to the bare view's
(``/bench/bare/``, a tiny template through the same middleware) measured in the same run, and
the time the page's own queries took in PostgreSQL (planning and execution, from ``EXPLAIN
ANALYZE``: the database's timing, not Python's) with the median's ratio to it.
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
from bench.writer import Writer


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(len(ordered) * 0.95) - 1)]


def _timed(client, url: str, requests: int, max_seconds: float) -> tuple[list, list]:
    """Server time and this process's CPU time (``time.process_time``: on a shared machine it
    is disturbed less than the clock by what else runs) of each request."""
    timings, cpu = [], []
    give_up = time.perf_counter() + max_seconds
    for _ in range(requests):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        cpu.append(time.process_time() - start_cpu)
        timings.append(time.perf_counter() - start)
        if len(timings) >= 10 and time.perf_counter() > give_up:
            break
    return timings, cpu


EXPLAINABLE = ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE")


def sql_ms(queries: list[dict], rounds: int = 5) -> float:
    """The time PostgreSQL itself took for these queries (planning and execution, as its
    ``EXPLAIN ANALYZE`` reports them), the median of ``rounds``: the database's timing, not
    Python's. Writes are rolled back. Statements that are not queries (SAVEPOINT, SET) count 0."""
    from django.db import connection, transaction

    totals = []
    for _ in range(rounds):
        total = 0.0
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(EXPLAINABLE):
                continue
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, TIMING FALSE, FORMAT JSON) {sql}")
                    plan = cursor.fetchone()[0]
                    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
                    total += plan["Planning Time"] + plan["Execution Time"]
                    transaction.set_rollback(True)
            except Exception:  # a query that cannot be explained counts 0
                continue
        totals.append(total)
    return statistics.median(totals)


def measure(requests: int, max_seconds: float = 15) -> list[dict]:
    """Each page: the queries of one request, then ``requests`` timed ones, then the time its
    queries took in PostgreSQL itself."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = []
    for page in pages():
        client = signed_in_client(page)
        for _ in range(3):
            response = client.get(page.url)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(page.url)
        queries = list(captured.captured_queries)
        timings, cpu = _timed(client, page.url, requests, max_seconds)
        results.append(
            {
                "page": page.name,
                "url": page.url,
                "status": response.status_code,
                "queries": len(queries),
                "median_ms": statistics.median(timings) * 1000,
                "p95_ms": p95(timings) * 1000,
                "cpu_ms": statistics.median(cpu) * 1000,
                "sql_ms": sql_ms(queries),
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
            "cpu_ms": 0.0,
            "sql_ms": 0.0,
            "is_list": False,
            "timed": len(trips),
            "bytes": 0,
        }
    )
    bare = results[0]
    for row in results:
        row["ratio_p95"] = row["p95_ms"] / bare["p95_ms"]
        row["median_per_sql"] = row["median_ms"] / row["sql_ms"] if row["sql_ms"] else None
    return results


def print_table(results: list[dict], title: str) -> None:
    print(f"\n{title}")
    print(
        f"{'page':24} {'status':>6} {'queries':>7} {'median ms':>10} {'p95 ms':>8} "
        f"{'p95/bare':>9} {'CPU ms':>7} {'SQL ms':>7} {'median/SQL':>10}"
    )
    for row in results:
        per_sql = f"{row['median_per_sql']:.1f}" if row["median_per_sql"] else "-"
        print(
            f"{row['page']:24} {row['status']:>6} {row['queries']:>7} {row['median_ms']:>10.1f} "
            f"{row['p95_ms']:>8.1f} {row['ratio_p95']:>9.2f} {row['cpu_ms']:>7.1f} "
            f"{row['sql_ms']:>7.2f} {per_sql:>10}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument(
        "--write-rate", type=float, default=5, help="commits per second by the writer (0: none)"
    )
    parser.add_argument("--json", help="also write the results to this file")
    arguments = parser.parse_args()
    setup(arguments.database_url)
    from applications.models import Application

    count = Application.objects.count()
    with Writer(arguments.database_url, arguments.write_rate):
        results = measure(arguments.requests)
    print_table(
        results,
        f"pages at {count:,} applications ({arguments.requests} requests each), "
        f"a writer committing {arguments.write_rate:g}/s",
    )
    if arguments.json:
        Path(arguments.json).write_text(json.dumps({"applications": count, "pages": results}))


if __name__ == "__main__":
    main()
