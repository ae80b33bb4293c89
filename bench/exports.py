"""Benchmark: the Excel exports (issue #23) and the statistics page at the benchmark's size.

    .venv/bin/python bench/exports.py --database-url postgres://postgres@127.0.0.1:5432/titles_bench

For each export (``?format=xlsx`` at a list's own URL, as the user who sees it): the rows
written, the file's size, the wall time, the SQL queries, the process's resident growth and, with
``--memory`` (slower, so the times of that run are not the ones to read), the peak of Python
memory allocated while it was made (``tracemalloc``). Memory that
stayed flat from a thousand rows to the whole list is what "streamed" means here: openpyxl's
write-only workbook sends rows to a temporary file, and the rows come from the database a chunk
(``titles.lists.EXPORT_CHUNK``) at a time. Then the statistics page, rendered. Nothing here is
asserted by the tests.
"""

import argparse
import io
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Page, setup, signed_in_client

EXPORTS = [
    ("agency queue (to do)", "/agency/?format=xlsx", "agency"),
    ("agency, done (most applications)", "/agency/?view=done&format=xlsx", "agency"),
    ("employer, done", "/employer/?view=done&format=xlsx", "employer"),
    ("panel queue", "/panel/?format=xlsx", "agency"),
    ("bureau queue", "/bureau/?format=xlsx", "bureau"),
    ("public notices", "/notices/?format=xlsx", None),
    ("certificates register", "/certificates/register/?format=xlsx", "bureau"),
    ("statistics (workbook)", "/statistics/?year=&format=xlsx", "bureau"),
]


def _rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(memory: bool) -> list[dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from openpyxl import load_workbook

    results = []
    for name, url, username in EXPORTS:
        client = signed_in_client(
            Page(name, url, username, verified=username not in (None, "employer"))
        )
        rss_before = _rss_kib()
        if memory:
            tracemalloc.start()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        seconds = time.perf_counter() - started
        peak = 0
        if memory:
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        rows = 0
        if response.status_code == 200:
            book = load_workbook(io.BytesIO(body), read_only=True)
            rows = sum(sum(1 for _ in sheet.iter_rows()) - 1 for sheet in book.worksheets)
        results.append(
            {
                "export": name,
                "status": response.status_code,
                "rows": rows,
                "mb": len(body) / 1e6,
                "seconds": seconds,
                "queries": len(captured.captured_queries),
                "python_peak_mb": peak / 1e6,
                "rss_growth_mb": (_rss_kib() - rss_before) / 1e3,
            }
        )
    client = signed_in_client(Page("statistics", "/statistics/?year=", "bureau", verified=True))
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/statistics/?year=")
    results.append(
        {
            "export": "statistics page (all years)",
            "status": response.status_code,
            "rows": 0,
            "mb": len(response.content) / 1e6,
            "seconds": time.perf_counter() - started,
            "queries": len(captured.captured_queries),
            "python_peak_mb": 0.0,
            "rss_growth_mb": 0.0,
        }
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument(
        "--memory", action="store_true", help="trace Python allocations (slower: time it apart)"
    )
    arguments = parser.parse_args()
    setup(arguments.database_url)
    from applications.models import Application

    print(f"{Application.objects.count():,} applications")
    print(
        f"{'export':36} {'status':>6} {'rows':>8} {'MB':>6} {'s':>7} {'queries':>7} "
        f"{'py peak MB':>10} {'RSS +MB':>8}"
    )
    for row in measure(arguments.memory):
        print(
            f"{row['export']:36} {row['status']:>6} {row['rows']:>8,} {row['mb']:>6.1f} "
            f"{row['seconds']:>7.1f} {row['queries']:>7} {row['python_peak_mb']:>10.1f} "
            f"{row['rss_growth_mb']:>8.1f}"
        )


if __name__ == "__main__":
    main()
