"""Benchmark: where a page's CPU goes, by area (ORM, templates, escaping, translation, ...).

    .venv/bin/python bench/cpu_areas.py \
        --database-url postgres://postgres@127.0.0.1:5432/titles_bench ["agency queue" ...]

In process (Django test Client, ``bench.settings``), signed in as ``bench/common.py``'s pages
say: a few warm-up requests, then ``--requests`` under cProfile with the process's CPU clock
(``time.process_time``, so that other work on a shared machine does not count). Each function's
own time is put in an area by the file it lives in, and the areas are printed per request. The
profiler's own cost inflates function-heavy areas (templates, the ORM) more than others: read
the shares, not the milliseconds. ``--top N`` also prints the N functions with most own time.
"""

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import pages, setup, signed_in_client  # noqa: E402

AREAS = [
    ("templates", ("django/template", "templatetags")),
    (
        "ORM: building and compiling queries, making models",
        ("django/db/models", "django/utils/tree.py", "django/utils/hashable.py"),
    ),
    ("database driver and waiting", ("psycopg", "django/db/backends", "_socket")),
    ("escaping and safe strings", ("django/utils/html.py", "html/__init__", "safestring.py")),
    ("translation and lazy strings", ("django/utils/translation", "gettext", "functional.py")),
    ("URL reversing and resolving", ("django/urls",)),
    ("forms and widgets", ("django/forms",)),
    ("sessions, users, middleware", ("django/contrib", "django/middleware", "django_otp", "axes")),
    ("request context locals", ("asgiref/local.py",)),
]


def area_of(filename: str, function: str) -> str:
    for area, markers in AREAS:
        if any(marker in filename or marker in function for marker in markers):
            return area
    if str(ROOT) in filename and "site-packages" not in filename:
        return "the project's own code"
    if filename == "~":
        return "built-ins (getattr, isinstance, str methods, ...)"
    return "other libraries and the standard library"


def profile(name: str, requests: int, top: int) -> None:
    page = next(page for page in pages() if page.name == name)
    client = signed_in_client(page)
    for _ in range(5):
        client.get(page.url)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(requests):
        client.get(page.url)
    profiler.disable()
    stats = pstats.Stats(profiler)
    areas: dict[str, float] = {}
    for (filename, _line, function), (_, _, own, _, _) in stats.stats.items():
        area = area_of(filename, function)
        areas[area] = areas.get(area, 0.0) + own
    total = sum(areas.values())
    print(f"\n{name}: {total / requests * 1000:.1f} ms of CPU a request under the profiler")
    for area, own in sorted(areas.items(), key=lambda item: -item[1]):
        print(f"  {area:52} {own / requests * 1000:6.2f} ms  {own / total:4.0%}")
    if top:
        stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("pages", nargs="*", default=["agency queue", "detail as agency"])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--top", type=int, default=0)
    arguments = parser.parse_args()
    setup(arguments.database_url)
    for name in arguments.pages:
        profile(name, arguments.requests, arguments.top)


if __name__ == "__main__":
    main()
