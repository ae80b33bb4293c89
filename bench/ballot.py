"""Benchmark: 100 committee members casting their secret ballots at once.

    .venv/bin/python bench/ballot.py \
        --database-url postgres://postgres@127.0.0.1:5432/titles_bench [--workers N] [--json out]

Creates (in the benchmark database) a committee of 100 voting members and a meeting in session
with two applications on the agenda and the roll taken. Then, with
``committee.services.ballot_cast``:

1. One at a time: the first ballot is opened and the 100 members cast one after another on one
   warm connection; the median and p95 of a cast. The ballot is closed and the count checked.
2. All at once: the second ballot is opened; ``--workers`` OS processes (forked after
   ``django.setup()``, like gunicorn's sync workers) each open their own database connection and
   warm up *before* the timed region (as a worker with ``CONN_MAX_AGE`` holds its connection), then
   wait for one release. At the release all 100 members' casts are due at once; each worker takes
   the next waiting member (a shared counter, as workers take requests off one listen queue) and
   casts. A cast's time runs from the release to that member's commit, so the time spent waiting
   for a free worker (and for the CPUs) is included: it is what a member would see, less the
   HTTP request around the cast (session, view, redirect), which is not measured here. The time
   inside ``ballot_cast`` alone is reported too. The ballot is closed and the count checked.

A server does not hold one database connection per browser: requests queue for a fixed pool of
workers. The default is ``2 * CPUs + 1`` workers (gunicorn's rule of thumb; the Dockerfile runs
3), between 3 and 16, so that the shared PostgreSQL (100 connections in all) is never crowded.
Nothing here is asserted by the tests.
"""

import argparse
import contextlib
import json
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup

MEMBERS = 100
CLOCK = time.CLOCK_MONOTONIC  # one clock for every process of the machine


def now() -> float:
    return time.clock_gettime(CLOCK)


def default_workers() -> int:
    return min(16, max(3, 2 * (os.cpu_count() or 1) + 1))


def p95(values: list[float]) -> float:
    """Nearest rank: the value 95 % of the casts did not exceed."""
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * 95 // 100) - 1)]


def session(members: int, items: int = 2):
    """A meeting in session: ``members`` voters present (the first chairs), ``items`` on the
    agenda, and one outsider who is on no roll (refused: used to warm a worker up)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from applications.enums import ApplicationState
    from applications.models import Application
    from committee import services
    from committee.models import AgendaItem, Committee
    from titles.enums import Role
    from titles.models import User

    stamp = timezone.now().strftime("%H%M%S%f")
    password = make_password(None)
    people = User.objects.bulk_create(
        [
            User(username=f"ballot{stamp}-{n}", real_name=f"委员{n:03d}", password=password)
            for n in range(members + 1)
        ]
    )
    people, outsider = people[:members], people[members]
    chairman, others = people[0], people[1:]
    Group.objects.get_or_create(name=Role.COMMITTEE_CHAIRMAN)[0].user_set.add(chairman)
    Group.objects.get_or_create(name=Role.COMMITTEE_MEMBER)[0].user_set.add(*others, outsider)
    committee = Committee.objects.create(name=f"基准评委会 {stamp}", chairman=chairman)
    committee.members.add(*others, outsider)
    template = Application.objects.filter(state=ApplicationState.COMMITTEE_REVIEW).first()
    meeting = services.meeting_create(
        committee=committee,
        actor=chairman,
        starts_at=timezone.now(),  # opened at once: a meeting opens on its day
        place="基准会议室",
    )
    for _ in range(items):
        application = Application.objects.get(pk=template.pk)
        application.pk = None
        application.save()
        services.agenda_add(meeting=meeting, application=application, actor=chairman)
    services.meeting_open(meeting=meeting, actor=chairman)
    services.roll_call(meeting=meeting, actor=chairman, present_ids={u.pk for u in people})
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("pk")), people, outsider


def choice_of(index: int) -> str:
    from committee.enums import Choice

    return [Choice.CONSENT, Choice.OPPOSE, Choice.ABSTAIN][index % 3]


def check_count(closed, members: int) -> list[str]:
    expected = (members, (members + 2) // 3, (members + 1) // 3, members // 3)
    found = (closed.votes_cast, closed.consent, closed.oppose, closed.abstain)
    return [] if found == expected else [f"count {found} != {expected}"]


def warm_up(item_pk: int, outsider) -> object:
    """What a long-running worker has done before: connected, loaded the code, cast once."""
    from committee import services
    from committee.errors import RuleViolation
    from committee.models import AgendaItem

    item = AgendaItem.objects.select_related("meeting").get(pk=item_pk)  # as the view loads it
    for _ in range(3):
        with contextlib.suppress(RuleViolation):  # not on the roll: refused, nothing written
            services.ballot_cast(item=item, member=outsider, choice=choice_of(0))
    return item


def one_at_a_time(item, voters, chairman, outsider) -> dict:
    from committee import services

    services.ballot_open(item=item, actor=chairman)
    item = warm_up(item.pk, outsider)
    timings = []
    for index, voter in enumerate(voters):
        start = now()
        services.ballot_cast(item=item, member=voter, choice=choice_of(index))
        timings.append(now() - start)
    closed = services.ballot_close(item=item, actor=chairman)
    return {
        "serial_median_ms": statistics.median(timings) * 1000,
        "serial_p95_ms": p95(timings) * 1000,
        "serial_errors": check_count(closed, len(voters)),
    }


def worker(item_pk, voters, outsider, ready, release, released_at, next_member, results) -> None:
    """One forked worker: its own connection, warmed up before the release; then it takes the
    next waiting member until none is left."""
    from django.db import connection

    from committee import services

    rows = []
    try:
        item = warm_up(item_pk, outsider)
    except Exception as failure:  # reported by the parent; the others are not kept waiting
        rows.append((-1, 0.0, 0.0, repr(failure)))
        item = None
    ready.wait()
    release.wait()
    start_of_all = released_at.value
    try:
        while item is not None:
            with next_member.get_lock():
                index = next_member.value
                next_member.value += 1
            if index >= len(voters):
                break
            start = now()
            try:
                services.ballot_cast(item=item, member=voters[index], choice=choice_of(index))
                error = None
            except Exception as failure:  # reported by the parent
                error = repr(failure)
            end = now()
            rows.append((index, end - start_of_all, end - start, error))
    except Exception as failure:  # reported by the parent
        rows.append((-1, 0.0, 0.0, repr(failure)))
    finally:
        connection.close()
        results.put(rows)


def all_at_once(item, voters, chairman, outsider, workers: int) -> dict:
    from django.db import connection

    from committee import services

    services.ballot_open(item=item, actor=chairman)
    connection.close()  # each forked worker opens its own
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(workers + 1)
    release = context.Event()
    released_at = context.Value("d", 0.0, lock=False)
    next_member = context.Value("i", 0)
    results = context.Queue()
    processes = [
        context.Process(
            target=worker,
            args=(item.pk, voters, outsider, ready, release, released_at, next_member, results),
        )
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    ready.wait(timeout=120)  # every worker connected and warm
    time.sleep(0.2)  # let them reach the release
    released_at.value = now()
    release.set()
    rows = [row for _ in processes for row in results.get(timeout=300)]
    for process in processes:
        process.join(timeout=60)
    latencies = [row[1] for row in rows if row[0] >= 0 and row[3] is None]
    service = [row[2] for row in rows if row[0] >= 0 and row[3] is None]
    errors = [row[3] for row in rows if row[3] is not None]
    closed = services.ballot_close(item=item, actor=chairman)
    errors += check_count(closed, len(voters))
    return {
        "median_ms": statistics.median(latencies) * 1000 if latencies else None,
        "p95_ms": p95(latencies) * 1000 if latencies else None,
        "total_s": max(latencies) if latencies else None,
        "service_median_ms": statistics.median(service) * 1000 if service else None,
        "service_p95_ms": p95(service) * 1000 if service else None,
        "votes_cast": closed.votes_cast,
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument(
        "--workers",
        type=int,
        default=default_workers(),
        help="worker processes casting (default 2 * CPUs + 1, between 3 and 16)",
    )
    parser.add_argument("--json", help="also write the results to this file")
    arguments = parser.parse_args()
    setup(arguments.database_url)

    [first, second], voters, outsider = session(MEMBERS)
    chairman = voters[0]
    serial = one_at_a_time(first, voters, chairman, outsider)
    together = all_at_once(second, voters, chairman, outsider, arguments.workers)
    rows = {"members": len(voters), "workers": arguments.workers, **together, **serial}

    print(f"\nballot: {len(voters)} members, committee.services.ballot_cast")
    print(
        f"  one at a time: median {rows['serial_median_ms']:.1f} ms, "
        f"p95 {rows['serial_p95_ms']:.1f} ms per cast; errors {rows['serial_errors']}"
    )
    print(
        f"  all at once, {arguments.workers} worker processes ({os.cpu_count()} CPUs): "
        f"from the release to each member's commit median {rows['median_ms']:.1f} ms, "
        f"p95 {rows['p95_ms']:.1f} ms; all in {rows['total_s'] * 1000:.0f} ms; "
        f"inside ballot_cast median {rows['service_median_ms']:.1f} ms, "
        f"p95 {rows['service_p95_ms']:.1f} ms; counted {rows['votes_cast']}; "
        f"errors {len(rows['errors'])} {rows['errors'][:2]}"
    )
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
