"""The writes real users make while others read: a background process committing N times a second.

    .venv/bin/python bench/writer.py --database-url postgres://... [--rate 5] [--seconds 60]

Each commit is one of what people do all day, in turn: a session saved (signing in or the idle
clock moving on), a draft saved (an applicant typing their achievements), a material uploaded
(a new version row), a notification created, and a public verification recorded. Each is its own
short transaction, as the application makes them, so every commit moves PostgreSQL's snapshot
and takes its row locks as users' writes do. Plain SQL on one connection: the writer should cost
the database what the users' writes cost, not the benchmark's CPU.

``Writer`` runs it as a subprocess for ``bench/load.py`` and ``bench/pages.py``; alone it writes
until ``--seconds`` have passed and prints how many commits of each kind it made.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (kind, statement): parameters are filled per commit by ``_parameters``.
WRITES = [
    (
        "session",
        "UPDATE django_session SET expire_date = now() + interval '8 hours' "
        "WHERE session_key = (SELECT session_key FROM django_session "
        "ORDER BY session_key OFFSET %(offset)s LIMIT 1)",
    ),
    (
        "draft",
        "UPDATE applications_application SET work_achievements = %(text)s, updated_at = now() "
        "WHERE id = (SELECT id FROM applications_application WHERE state = 'draft' "
        "ORDER BY id OFFSET %(offset)s LIMIT 1)",
    ),
    (
        "upload",
        "INSERT INTO applications_materialversion "
        "(material_id, number, file, original_name, kind, size, sha256, uploaded_at, "
        "uploaded_by_id) "
        "SELECT m.id, MAX(v.number) + 1, MIN(v.file), 'bench.pdf', 'pdf', 1024, "
        "md5(random()::text) || md5(random()::text), now(), MIN(v.uploaded_by_id) "
        "FROM applications_material m JOIN applications_materialversion v ON v.material_id = m.id "
        "WHERE m.id = (SELECT id FROM applications_material WHERE id >= %(offset)s "
        "ORDER BY id LIMIT 1) "
        "GROUP BY m.id",
    ),
    (
        "notification",
        "INSERT INTO titles_notification (recipient_id, kind, context, url, created_at) "
        "SELECT id, 'bench', '{}'::jsonb, '', now() FROM titles_user "
        "WHERE id >= %(offset)s ORDER BY id LIMIT 1",
    ),
    (
        "verification",
        "INSERT INTO certificates_verification "
        "(certificate_id, number, method, result, verified_at, organization_name, client_hash) "
        "SELECT id, number, 'number', 'valid', now(), '', md5(random()::text) "
        "FROM certificates_certificate WHERE id >= %(offset)s ORDER BY id LIMIT 1",
    ),
]


BY_ID = {"upload", "notification", "verification"}


def _counts(cursor) -> dict[str, int]:
    """How many rows each write picks from (by offset), or the highest id (by ``id >=``)."""
    cursor.execute(
        "SELECT (SELECT count(*) FROM django_session), "
        "(SELECT count(*) FROM applications_application WHERE state = 'draft'), "
        "(SELECT max(id) FROM applications_material), (SELECT max(id) FROM titles_user), "
        "(SELECT max(id) FROM certificates_certificate)"
    )
    return dict(zip([kind for kind, _ in WRITES], cursor.fetchone(), strict=True))


def write(database_url: str, rate: float, seconds: float) -> dict[str, int]:
    """Commit ``rate`` times a second, in turn through ``WRITES``, until ``seconds`` pass."""
    import psycopg

    done = {kind: 0 for kind, _ in WRITES}
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    with psycopg.connect(database_url, autocommit=True) as connection:
        cursor = connection.cursor()
        sizes = _counts(cursor)
        interval = 1 / rate
        next_at = time.monotonic()
        end = time.monotonic() + seconds
        turn = 0
        while not stop["now"] and time.monotonic() < end:
            kind, statement = WRITES[turn % len(WRITES)]
            turn += 1
            if sizes[kind] or 0:
                offset = (turn * 7919) % sizes[kind] + (kind in BY_ID)
                with connection.transaction():
                    cursor.execute(statement, {"offset": offset, "text": f"draft {turn}"})
                    done[kind] += cursor.rowcount > 0
            next_at += interval
            time.sleep(max(0, next_at - time.monotonic()))
    return done


class Writer:
    """``with Writer(url, rate):`` runs the writer in a subprocess for the block (rate 0: none)."""

    def __init__(self, database_url: str, rate: float):
        self.database_url = database_url
        self.rate = rate
        self.process = None
        self.commits: dict[str, int] = {}

    def __enter__(self):
        if self.rate > 0:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    str(Path(__file__)),
                    "--database-url",
                    self.database_url,
                    "--rate",
                    str(self.rate),
                    "--seconds",
                    "86400",
                    "--json",
                ],
                stdout=subprocess.PIPE,
                env=os.environ,
            )
        return self

    def __exit__(self, *exc):
        if self.process:
            self.process.send_signal(signal.SIGTERM)
            out, _ = self.process.communicate(timeout=30)
            self.commits = json.loads(out or b"{}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rate", type=float, default=5)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--json", action="store_true", help="print the counts as JSON only")
    arguments = parser.parse_args()
    started = time.monotonic()
    done = write(arguments.database_url, arguments.rate, arguments.seconds)
    if arguments.json:
        print(json.dumps(done))
        return
    elapsed = time.monotonic() - started
    total = sum(done.values())
    print(f"{total} commits in {elapsed:.1f} s ({total / elapsed:.1f}/s): {done}")


if __name__ == "__main__":
    main()
