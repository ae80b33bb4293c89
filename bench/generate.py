"""Generate a benchmark database with N applications spread across every stage.

    .venv/bin/python bench/generate.py --applications 100000 \
        --database-url postgres://postgres@127.0.0.1:5432/titles_bench

The database named in the URL is DROPPED and created again (names ``titles``, ``titles_dev`` and
``test_*`` are refused). It is migrated, filled with the demo data (``seed_demo``: every kind of
organization, every role, one application in each main stage with real materials, recommenders,
panel assignments and opinions, a committee meeting, a public notice and one signed certificate),
and then the demo applications are cloned in SQL (INSERT ... SELECT over generate_series) into
``--applications`` applications with all their rows: materials and versions, recommenders,
internal notices, supplement requests, assignments and opinions, agenda items with totals, public
notice entries and certificates, plus tracked deadlines.

Shortcuts, on purpose: every MaterialVersion points at the demo's tiny files; cloned certificates
reuse the demo certificate's signature and carry a tiny placeholder PDF (not the real 300 KB
rendering) so that 30,000 certificates do not fill the disk; the audit chain is not extended.
Deadlines (``*_due_at``, ``ends_at``) lie in the future for all generated rows, so a sweep finds
nothing due; ``bench/sweep.py`` makes 1,000 due for its second measurement and restores them.
"""

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (state, weight, template demo applicant username): the demo application each state is cloned
# from. Weights are a year in steady state: most applications are finished.
STATES = [
    ("draft", 10, "applicant3"),
    ("employer_review", 7, "applicant"),
    ("returned", 2, "applicant"),
    ("internal_notice", 4, "applicant2"),
    ("notice_passed", 1, "applicant2"),
    ("eligibility_review", 8, "applicant"),
    ("supplement_requested", 2, "applicant"),
    ("panel_review", 6, "applicant4"),
    ("committee_review", 4, "applicant5"),
    ("bureau_review", 2, "applicant6"),
    ("public_notice", 2, "applicant7"),
    ("certified", 30, "applicant8"),
    ("not_approved", 7, "applicant8"),
    ("ineligible", 5, "applicant"),
    ("declined", 3, "applicant"),
    ("withdrawn", 7, "applicant"),
]
EMPLOYERS = 400
DISCIPLINES_EXTRA = 30
ITEMS_PER_MEETING = 40
ENTRIES_PER_NOTICE = 60
TINY_PDF = b"%PDF-1.4\n% bench placeholder: cloned certificate\n%%EOF\n"
REFUSED = {"titles", "titles_dev", "postgres", "template0", "template1"}


def _recreate_database(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if name in REFUSED or name.startswith("test_") or not name:
        sys.exit(f"refusing to drop database {name!r}: use a dedicated one, e.g. titles_bench")
    admin = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name <> 'id' ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _clone(cursor, table: str, alias: str, source: str, overrides: dict[str, str]) -> int:
    """INSERT INTO table SELECT every column of ``alias`` (a row of table joined in ``source``),
    replacing the columns named in ``overrides`` by SQL expressions."""
    columns = _columns(cursor, table)
    select = ", ".join(overrides.get(column, f"{alias}.{column}") for column in columns)
    cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} {source}")
    return cursor.rowcount


def generate(count: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    call_command("seed_demo")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT username, id FROM titles_user")
        users = dict(cursor.fetchall())
        cursor.execute("SELECT applicant_id, id FROM applications_application")
        template_of_user = dict(cursor.fetchall())

        # Organizations: many employers, a few disciplines more.
        _clone(
            cursor,
            "titles_organization",
            "o",
            f"FROM titles_organization o, generate_series(1, {EMPLOYERS}) g WHERE o.id = 1",
            {"name": "o.name || '·' || g", "name_en": "o.name_en || ' ' || g"},
        )
        _clone(
            cursor,
            "titles_discipline",
            "d",
            f"FROM titles_discipline d, generate_series(1, {DISCIPLINES_EXTRA}) g "
            "WHERE d.id = (SELECT min(id) FROM titles_discipline)",
            {"code": "d.code || g", "name": "d.name || g", "name_en": "d.name_en || g"},
        )

        # Which demo application and state each new application gets.
        cursor.execute(
            "CREATE TEMP TABLE bench_plan (n int PRIMARY KEY, state text, template bigint, "
            "new_id bigint, applicant bigint)"
        )
        total = sum(weight for _, weight, _ in STATES)
        start = 1
        for state, weight, username in STATES:
            share = count * weight // total
            if state == STATES[0][0]:
                share += count - sum(count * w // total for _, w, _ in STATES)
            template = template_of_user[users[username]]
            cursor.execute(
                "INSERT INTO bench_plan (n, state, template) "
                "SELECT g, %s, %s FROM generate_series(%s, %s) g",
                [state, template, start, start + share - 1],
            )
            start += share

        # One applicant per application.
        _clone(
            cursor,
            "titles_user",
            "u",
            f"FROM titles_user u, generate_series(1, {count}) g WHERE u.username = 'applicant'",
            {
                "username": "'bench' || g",
                "email": "'bench' || g || '@example.cn'",
                "real_name": "'申请人' || g",
                "id_number_hash": "NULL",
                "last_login": "NULL",
            },
        )
        cursor.execute(
            "UPDATE bench_plan p SET applicant = u.id FROM titles_user u "
            "WHERE u.username = 'bench' || p.n"
        )
        cursor.execute(
            "INSERT INTO titles_user_groups (user_id, group_id) SELECT p.applicant, ug.group_id "
            "FROM bench_plan p, titles_user_groups ug WHERE ug.user_id = %s",
            [users["applicant"]],
        )
        _clone(
            cursor,
            "titles_roleassignment",
            "r",
            f"FROM bench_plan p, titles_roleassignment r WHERE r.user_id = {users['applicant']}",
            {"user_id": "p.applicant"},
        )

        # Applications: employer skewed (org 1 has the most), discipline and category spread.
        cursor.execute("SELECT id FROM titles_organization WHERE kind = 'employer' ORDER BY id")
        employer_ids = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id, series_id FROM titles_discipline ORDER BY id")
        disciplines = cursor.fetchall()
        cursor.execute(
            "CREATE TEMP TABLE bench_ref AS SELECT "
            f"ARRAY{employer_ids}::bigint[] AS employers, "
            f"ARRAY{[d[0] for d in disciplines]}::bigint[] AS disciplines, "
            f"ARRAY{[d[1] for d in disciplines]}::bigint[] AS series"
        )
        days_ago = "(p.n % 300) * interval '1 day'"
        _clone(
            cursor,
            "applications_application",
            "a",
            "FROM bench_plan p JOIN applications_application a ON a.id = p.template, bench_ref r",
            {
                "applicant_id": "p.applicant",
                "state": "p.state",
                # Every 50th application goes to the first employer (the demo reviewer's queue);
                # the rest spread over all employers.
                "employer_id": "CASE WHEN p.n % 50 = 0 THEN r.employers[1] "
                "ELSE r.employers[1 + (p.n * 7919) % array_length(r.employers, 1)] END",
                "discipline_id": "r.disciplines[1 + (p.n * 31) % array_length(r.disciplines, 1)]",
                "title_series_id": "r.series[1 + (p.n * 31) % array_length(r.series, 1)]",
                "category": "(ARRAY['high_level','high_level','international',"
                "'special_skills','other'])"
                "[1 + p.n % 5]",
                "created_at": f"now() - {days_ago} - interval '30 days'",
                "updated_at": f"now() - {days_ago}",
                "submitted_at": "CASE WHEN p.state = 'draft' THEN NULL "
                f"ELSE now() - {days_ago} - interval '20 days' END",
                "recommended_at": "CASE WHEN p.state IN ('draft','employer_review','returned',"
                "'internal_notice','notice_passed','declined') THEN NULL "
                f"ELSE now() - {days_ago} - interval '10 days' END",
                # Not due: the agency's review time ends in the future.
                "eligibility_due_at": "CASE WHEN p.state IN ('eligibility_review',"
                "'supplement_requested') THEN now() + interval '1 day' * (5 + p.n % 40) "
                "ELSE a.eligibility_due_at END",
                "eligibility_reminded_at": "NULL",
            },
        )
        cursor.execute(
            "UPDATE bench_plan p SET new_id = a.id FROM applications_application a "
            "WHERE a.applicant_id = p.applicant"
        )
        cursor.execute("CREATE INDEX ON bench_plan (template)")
        cursor.execute("ANALYZE bench_plan")

        # Materials and their versions (same tiny files), recommenders.
        _clone(
            cursor,
            "applications_material",
            "m",
            "FROM bench_plan p JOIN applications_material m ON m.application_id = p.template",
            {"application_id": "p.new_id"},
        )
        _clone(
            cursor,
            "applications_materialversion",
            "v",
            "FROM bench_plan p JOIN applications_material nm ON nm.application_id = p.new_id "
            "JOIN applications_material tm ON tm.application_id = p.template AND tm.slot = nm.slot "
            "JOIN applications_materialversion v ON v.material_id = tm.id",
            {"material_id": "nm.id", "uploaded_by_id": "p.applicant"},
        )
        _clone(
            cursor,
            "applications_recommender",
            "r",
            "FROM bench_plan p JOIN applications_recommender r ON r.application_id = p.template",
            {"application_id": "p.new_id", "token_nonce": "md5(random()::text)"},
        )

        # Internal notices: open ones end in the future; passed ones are marked passed.
        _clone(
            cursor,
            "applications_internalnotice",
            "i",
            "FROM bench_plan p JOIN applications_internalnotice i ON i.application_id = p.template "
            "WHERE p.state IN ('internal_notice', 'notice_passed')",
            {
                "application_id": "p.new_id",
                "organization_id": "(SELECT employer_id FROM applications_application "
                "WHERE id = p.new_id)",
                "ends_at": "now() + interval '1 day' * (1 + p.n % 7)",
                "passed_at": "CASE WHEN p.state = 'notice_passed' THEN now() ELSE NULL END",
            },
        )
        # Supplement requests, answer due in the future.
        cursor.execute(
            "INSERT INTO applications_supplementrequest (application_id, requested_by_id, "
            "requested_at, working_days, due_at, provisional) SELECT p.new_id, %s, now(), 10, "
            "now() + interval '1 day' * (3 + mod(p.n, 14)), false FROM bench_plan p "
            "WHERE p.state = 'supplement_requested'",
            [users["agency"]],
        )
        # Assignments (due in the future) and opinions.
        _clone(
            cursor,
            "review_assignment",
            "s",
            "FROM bench_plan p JOIN review_assignment s ON s.application_id = p.template "
            "WHERE p.state NOT IN ('draft','employer_review','returned','internal_notice',"
            "'notice_passed','eligibility_review','supplement_requested','ineligible',"
            "'declined','withdrawn')",
            {
                "application_id": "p.new_id",
                "due_at": "now() + interval '1 day' * (2 + p.n % 20)",
                "reminded_at": "NULL",
            },
        )
        _clone(
            cursor,
            "review_opinion",
            "o",
            "FROM bench_plan p JOIN review_assignment ns ON ns.application_id = p.new_id "
            "JOIN review_assignment ts ON ts.application_id = p.template "
            "AND ts.expert_id = ns.expert_id JOIN review_opinion o ON o.assignment_id = ts.id",
            {"assignment_id": "ns.id"},
        )
        cursor.execute(
            "INSERT INTO review_applicationuserobjectpermission (user_id, permission_id, "
            "content_object_id) SELECT x.user_id, x.permission_id, p.new_id FROM bench_plan p "
            "JOIN review_applicationuserobjectpermission x ON x.content_object_id = p.template "
            "WHERE p.state = 'panel_review'"
        )

        # Closed committee meetings, ITEMS_PER_MEETING decided items each (totals filled in), for
        # every application past the committee (and those in committee review).
        cursor.execute(
            "CREATE TEMP TABLE bench_item AS SELECT p.new_id, p.state, p.template, "
            "row_number() OVER (ORDER BY p.n) - 1 AS k FROM bench_plan p "
            "WHERE p.state IN ('committee_review','bureau_review','public_notice','certified',"
            "'not_approved')"
        )
        cursor.execute("SELECT count(*) FROM bench_item")
        (items,) = cursor.fetchone()
        meetings = (items + ITEMS_PER_MEETING - 1) // ITEMS_PER_MEETING
        cursor.execute("SELECT max(id) FROM committee_meeting")
        (before_meetings,) = cursor.fetchone()
        _clone(
            cursor,
            "committee_meeting",
            "m",
            f"FROM committee_meeting m, generate_series(0, {meetings - 1}) g "
            f"WHERE m.id = {before_meetings}",
            {
                "starts_at": "now() - interval '1 day' * (g + 1)",
                "status": "'closed'",
                "opened_at": "now() - interval '1 day' * (g + 1)",
                "closed_at": "now() - interval '1 day' * (g + 1) + interval '3 hours'",
                "place": "m.place || ' #' || g",
            },
        )
        _clone(
            cursor,
            "committee_agendaitem",
            "t",
            "FROM bench_item b JOIN committee_agendaitem t ON t.application_id = ("
            "SELECT application_id FROM committee_agendaitem ORDER BY id LIMIT 1) "
            f"JOIN committee_meeting mm ON mm.id = {before_meetings} + 1 + b.k / "
            f"{ITEMS_PER_MEETING}",
            {
                "application_id": "b.new_id",
                "meeting_id": "mm.id",
                "position": f"1 + b.k % {ITEMS_PER_MEETING}",
                "status": "'closed'",
                "present": "3",
                "recused": "0",
                "votes_cast": "3",
                "consent": "CASE WHEN b.state = 'not_approved' THEN 1 ELSE 3 END",
                "oppose": "CASE WHEN b.state = 'not_approved' THEN 2 ELSE 0 END",
                "abstain": "0",
                "approved": "b.state <> 'not_approved'",
            },
        )

        # Public notices: ENTRIES_PER_NOTICE entries each; past notices for the certified.
        cursor.execute(
            "CREATE TEMP TABLE bench_entry AS SELECT p.new_id, p.state, "
            "row_number() OVER (ORDER BY p.n) - 1 AS k FROM bench_plan p "
            "WHERE p.state IN ('public_notice', 'certified')"
        )
        cursor.execute("SELECT count(*) FROM bench_entry")
        (entries,) = cursor.fetchone()
        notices = (entries + ENTRIES_PER_NOTICE - 1) // ENTRIES_PER_NOTICE
        cursor.execute("SELECT max(id) FROM bureau_publicnotice")
        (before_notices,) = cursor.fetchone()
        _clone(
            cursor,
            "bureau_publicnotice",
            "n",
            f"FROM bureau_publicnotice n, generate_series(0, {notices - 1}) g "
            f"WHERE n.id = {before_notices}",
            {
                "title": "n.title || ' (' || g || ')'",
                "published_at": "now() - interval '1 day' * (g + 8)",
                "ends_at": "now() - interval '1 day' * (g + 1)",
            },
        )
        cursor.execute(
            "INSERT INTO bureau_publicnoticeentry (application_id, notice_id, passed_at) "
            "SELECT e.new_id, CASE WHEN e.state = 'public_notice' THEN %s "
            f"ELSE {before_notices} + 1 + e.k / {ENTRIES_PER_NOTICE} END, "
            "CASE WHEN e.state = 'certified' THEN now() ELSE NULL END FROM bench_entry e",
            [before_notices],
        )
        # The demo's open notice (with the public_notice entries) ends in the future.
        cursor.execute(
            "UPDATE bureau_publicnotice SET ends_at = now() + interval '5 days' WHERE id = %s",
            [before_notices],
        )

        # Certificates: unique numbers, the demo's signature, a tiny placeholder PDF.
        columns = _columns(cursor, "certificates_certificate")
        overrides = {
            "application_id": "p.new_id",
            "number": "'BJGZ-B' || lpad(p.n::text, 7, '0')",
            "holder_name": "u.real_name",
            "pdf": "%s",
        }
        select = ", ".join(overrides.get(column, f"c.{column}") for column in columns)
        cursor.execute(
            f"INSERT INTO certificates_certificate ({', '.join(columns)}) SELECT {select} "
            "FROM bench_plan p JOIN certificates_certificate c ON c.application_id = p.template "
            "JOIN titles_user u ON u.id = p.applicant WHERE p.state = 'certified'",
            [TINY_PDF],
        )

        # Tracked deadlines for the open clocks (all in the future, none provisional).
        _track(
            cursor,
            "applications",
            "internalnotice",
            "ends_at",
            "internal_notice",
            "SELECT id, ends_at FROM applications_internalnotice WHERE passed_at IS NULL",
        )
        _track(
            cursor,
            "applications",
            "supplementrequest",
            "due_at",
            "supplement",
            "SELECT id, due_at FROM applications_supplementrequest",
        )
        _track(
            cursor,
            "review",
            "assignment",
            "due_at",
            "panel_opinion",
            "SELECT s.id, s.due_at FROM review_assignment s JOIN applications_application a "
            "ON a.id = s.application_id WHERE a.state = 'panel_review'",
        )
    for table in ("applications_application", "applications_material", "titles_user"):
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT state, count(*) FROM applications_application GROUP BY 1 ORDER BY 1")
        summary = cursor.fetchall()
    print(f"cloned in {time.perf_counter() - started:.1f} s:")
    for state, number in summary:
        print(f"  {state:22} {number}")


def _track(cursor, app_label: str, model: str, field: str, rule: str, rows: str) -> None:
    cursor.execute(
        "SELECT id FROM django_content_type WHERE app_label = %s AND model = %s", [app_label, model]
    )
    (content_type,) = cursor.fetchone()
    cursor.execute(
        "INSERT INTO titles_trackeddeadline (content_type_id, object_id, field, "
        "provisional_field, rule, start, working_days, last_day, due_at, provisional, created_at) "
        f"SELECT %s, x.id::text, %s, 'provisional', %s, (x.d - interval '7 days')::date, 5, "
        f"x.d::date, x.d, false, now() FROM ({rows}) x(id, d) "
        "ON CONFLICT DO NOTHING",
        [content_type, field, rule],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--database-url", required=True)
    arguments = parser.parse_args()
    _recreate_database(arguments.database_url)
    os.environ["DATABASE_URL"] = arguments.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "titles.settings")
    import django

    django.setup()
    started = time.perf_counter()
    generate(arguments.applications)
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
