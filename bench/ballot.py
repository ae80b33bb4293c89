"""Benchmark: 100 committee members casting their secret ballots at once.

    .venv/bin/python bench/ballot.py --database-url postgres://postgres@127.0.0.1:5432/titles_bench

Creates (in the benchmark database) a committee of 100 voting members, a meeting in session with
one application on the agenda and the roll taken, opens the ballot, then starts one thread per
member, released together by a barrier, each calling ``committee.services.ballot_cast`` on its own
database connection. At most ``--at-once`` casts run at the same moment (as in
tests/committee/test_concurrency.py: the shared PostgreSQL allows 100 connections in all).
Prints the median and p95 time per cast and the total, closes the ballot and checks the count.
Nothing here is asserted by the tests.
"""

import argparse
import json
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup

MEMBERS = 100


def session(members: int):
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
            for n in range(members)
        ]
    )
    chairman, others = people[0], people[1:]
    Group.objects.get_or_create(name=Role.COMMITTEE_CHAIRMAN)[0].user_set.add(chairman)
    Group.objects.get_or_create(name=Role.COMMITTEE_MEMBER)[0].user_set.add(*others)
    committee = Committee.objects.create(name=f"基准评委会 {stamp}", chairman=chairman)
    committee.members.add(*others)
    template = Application.objects.filter(state=ApplicationState.COMMITTEE_REVIEW).first()
    application = Application.objects.get(pk=template.pk)
    application.pk = None
    application.save()
    meeting = services.meeting_create(
        committee=committee,
        actor=chairman,
        starts_at=timezone.now() + timedelta(hours=1),
        place="基准会议室",
    )
    services.agenda_add(meeting=meeting, application=application, actor=chairman)
    services.meeting_open(meeting=meeting, actor=chairman)
    services.roll_call(meeting=meeting, actor=chairman, present_ids={u.pk for u in people})
    item = AgendaItem.objects.get(meeting=meeting)
    services.ballot_open(item=item, actor=chairman)
    return item, people, chairman


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--at-once", type=int, default=40)
    parser.add_argument("--json", help="also write the results to this file")
    arguments = parser.parse_args()
    setup(arguments.database_url)
    from django.db import connection

    from committee import services
    from committee.enums import Choice

    item, voters, chairman = session(MEMBERS)
    connection.close()
    choices = [Choice.CONSENT, Choice.OPPOSE, Choice.ABSTAIN]
    barrier = threading.Barrier(len(voters))
    gate = threading.BoundedSemaphore(arguments.at_once)
    timings: list[float] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def cast(index: int, voter) -> None:
        try:
            barrier.wait()
            with gate:
                start = time.perf_counter()
                try:
                    services.ballot_cast(item=item, member=voter, choice=choices[index % 3])
                finally:
                    elapsed = time.perf_counter() - start
                    connection.close()
            with lock:
                timings.append(elapsed)
        except Exception as error:  # reported below
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=cast, args=pair) for pair in enumerate(voters)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    total = time.perf_counter() - started
    closed = services.ballot_close(item=item, actor=chairman)
    timings.sort()
    rows = {
        "members": len(voters),
        "at_once": arguments.at_once,
        "median_ms": statistics.median(timings) * 1000,
        "p95_ms": timings[int(len(timings) * 0.95) - 1] * 1000,
        "total_s": total,
        "votes_cast": closed.votes_cast,
        "errors": [repr(error) for error in errors],
    }
    print(f"\nballot: {len(voters)} members casting at once (at most {arguments.at_once} together)")
    print(
        f"  per cast: median {rows['median_ms']:.1f} ms, p95 {rows['p95_ms']:.1f} ms; "
        f"all in {total:.2f} s; counted {closed.votes_cast}; "
        f"errors {len(errors)} {rows['errors'][:2]}"
    )
    if arguments.json:
        Path(arguments.json).write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
