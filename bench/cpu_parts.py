"""Benchmark: each page's CPU, the part its templates take and the part in the driver, and the
signed-in floor.

    .venv/bin/python bench/cpu_parts.py \
        --database-url postgres://postgres@127.0.0.1:5432/titles_bench ["agency queue" ...] \
        [--write-rate 5]

While ``bench/writer.py`` commits ``--write-rate`` times a second what users write (sessions,
drafts, uploads, notifications, verifications), in process (Django test Client,
``bench.settings``), signed in as ``bench/common.py``'s pages say: a few warm-up requests, then
``--requests`` timed ones on the process's CPU clock (``time.process_time``). Without a
profiler (which inflates function-heavy code): the page's outermost template render and the
cursor's ``execute`` are timed where they run. First the floor: the bare view anonymous, signed
in as an applicant, and signed in with a verified second factor (session row, user row, the
device, the middleware, and nothing else); every page's CPU is then also printed as a multiple
of the anonymous bare view's, measured in the same run.
Nothing here is asserted by the tests; read the shares, not the milliseconds.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Page, pages, setup, signed_in_client
from bench.writer import Writer

_spent = {"templates": 0.0, "driver": 0.0}


def _timed(function, part: str):
    depth = [0]

    def timed(*args, **kwargs):
        if depth[0]:  # a template rendered inside another counts once
            return function(*args, **kwargs)
        depth[0] += 1
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            _spent[part] += time.process_time() - start
            depth[0] -= 1

    return timed


def _instrument() -> None:
    from django.db.backends import utils
    from django.template.backends import django as django_templates

    django_templates.Template.render = _timed(django_templates.Template.render, "templates")
    utils.CursorWrapper._execute = _timed(utils.CursorWrapper._execute, "driver")


def _measure(client, url: str, requests: int) -> tuple[float, float, float]:
    for _ in range(5):
        client.get(url)
    cpu, templates, driver = [], [], []
    for _ in range(requests):
        _spent["templates"] = _spent["driver"] = 0.0
        start = time.process_time()
        client.get(url)
        cpu.append(time.process_time() - start)
        templates.append(_spent["templates"])
        driver.append(_spent["driver"])
    return tuple(statistics.median(values) * 1000 for values in (cpu, templates, driver))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument(
        "--write-rate", type=float, default=5, help="commits per second by the writer (0: none)"
    )
    arguments = parser.parse_args()
    setup(arguments.database_url)
    _instrument()
    with Writer(arguments.database_url, arguments.write_rate):
        _report(arguments)


def _report(arguments) -> None:
    every = pages()
    applicant = next(page for page in every if page.name == "application detail").username
    print(
        f"a writer committing {arguments.write_rate:g}/s; the floor: /bench/bare/ "
        "(a tiny template, no query), x bare: CPU as a multiple of the anonymous bare view's"
    )
    bare = None
    for label, page in (
        ("anonymous", Page("bare", "/bench/bare/", None)),
        ("signed in (applicant)", Page("bare", "/bench/bare/", applicant)),
        ("signed in, verified (agency staff)", Page("bare", "/bench/bare/", "agency", True)),
    ):
        cpu, _templates, _driver = _measure(signed_in_client(page), page.url, 200)
        bare = bare or cpu
        print(f"  {label:36} {cpu:6.2f} ms CPU {cpu / bare:6.1f} x bare")
    wanted = arguments.pages or [page.name for page in every if page.url != "/bench/bare/"]
    print(
        f"\n{'page':26} {'CPU ms':>7} {'x bare':>7} {'templates ms':>13} {'share':>6} "
        f"{'driver ms':>10}"
    )
    for page in every:
        if page.name not in wanted:
            continue
        cpu, templates, driver = _measure(signed_in_client(page), page.url, arguments.requests)
        print(
            f"{page.name:26} {cpu:7.2f} {cpu / bare:7.1f} {templates:13.2f} "
            f"{templates / cpu:6.0%} {driver:10.2f}"
        )


if __name__ == "__main__":
    main()
