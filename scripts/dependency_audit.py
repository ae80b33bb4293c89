"""The dependency audit that ``./dev test`` runs first: pip-audit over the lock.

Every package of ``requirements/development.txt`` (the production lock is a subset of it, same
versions) is looked up in a vulnerability database; a known vulnerability fails the run, unless
it is accepted in ``requirements/audit-accepted.txt`` with a reason:

    PYSEC-2026-1234  # only the CLI is affected, which we never run (Li Hua, 2026-12-04)

An accepted vulnerability is still printed on every run, and an accepted one that no longer
applies is reported so the line can go.

Settings (environment):
- ``AUDIT_SERVICE``: ``pypi`` (default, PyPI's own data) or ``osv``; ``AUDIT_OSV_URL`` points
  the ``osv`` service at another OSV-compatible endpoint (a mirror inside a closed network).
- ``AUDIT_REQUIRED=1``: a run in which the service could not answer for some package fails too
  (set it where the service is known to be reachable). Without it, such a run passes with a
  warning naming what was not audited: a machine without that service can still test.
- ``AUDIT=off``: skip the audit (printed, never silent).
"""

import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "development.txt"
ACCEPTED = ROOT / "requirements" / "audit-accepted.txt"

ACCEPTED_LINE = re.compile(r"^(?P<id>[A-Za-z0-9][A-Za-z0-9._:-]*)\s+#\s*(?P<reason>\S.*)$")


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


class AcceptedFileError(ValueError):
    pass


def accepted_vulnerabilities(text: str) -> dict[str, str]:
    """``{id: reason}`` from the accepted file; a line without a reason is refused."""
    accepted = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = ACCEPTED_LINE.match(line)
        if match is None:
            raise AcceptedFileError(
                f"line {number}: write 'ID  # reason (who, date)', got {line!r}"
            )
        accepted[match["id"].upper()] = match["reason"]
    return accepted


@dataclass
class Verdict:
    vulnerable: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    not_audited: list[str] = field(default_factory=list)
    stale_acceptances: list[str] = field(default_factory=list)
    audited: int = 0


def verdict_of(report: dict, accepted: dict[str, str]) -> Verdict:
    """Sort pip-audit's JSON report into what fails the run and what is only told."""
    verdict = Verdict()
    used = set()
    for dependency in report.get("dependencies", []):
        name, version = dependency["name"], dependency.get("version", "?")
        if "skip_reason" in dependency:
            verdict.not_audited.append(dependency["skip_reason"])
            continue
        verdict.audited += 1
        for vulnerability in dependency.get("vulns", []):
            ids = [vulnerability["id"], *vulnerability.get("aliases", [])]
            fixed = ", ".join(vulnerability.get("fix_versions", [])) or "no fixed release"
            line = f"{name} {version}: {' / '.join(ids)} (fixed in: {fixed})"
            hit = next((i.upper() for i in ids if i.upper() in accepted), None)
            if hit is None:
                verdict.vulnerable.append(line)
            else:
                used.add(hit)
                verdict.accepted.append(f"{line} — accepted: {accepted[hit]}")
    verdict.stale_acceptances = sorted(set(accepted) - used) if verdict.audited else []
    return verdict


def pip_audit_command(lock: Path, output: Path) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "--requirement",
        str(lock),
        "--require-hashes",
        "--disable-pip",
        "--progress-spinner",
        "off",
        "--format",
        "json",
        "--output",
        str(output),
        "--vulnerability-service",
        os.environ.get("AUDIT_SERVICE", "pypi"),
        "--timeout",
        "20",
    ]
    if os.environ.get("AUDIT_OSV_URL"):
        command += ["--osv-url", os.environ["AUDIT_OSV_URL"]]
    return command


def audit(lock: Path = LOCK, accepted_file: Path = ACCEPTED) -> int:
    """Run the audit and print what it found; the exit status for ``./dev test``."""
    if os.environ.get("AUDIT", "").lower() == "off":
        print("AUDIT=off: the dependency audit is skipped for this run.")
        return 0
    required = os.environ.get("AUDIT_REQUIRED") == "1"
    try:
        accepted = accepted_vulnerabilities(
            accepted_file.read_text() if accepted_file.exists() else ""
        )
    except AcceptedFileError as error:
        print(f"{shown(accepted_file)}: {error}")
        return 1
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "audit.json"
        run = subprocess.run(pip_audit_command(lock, output), capture_output=True, text=True)
        report = json.loads(output.read_text()) if output.exists() else None
    if report is None:
        problem = (run.stderr.strip().splitlines() or ["no report"])[-1]
        print(f"Dependency audit: the vulnerability service did not answer ({problem}).")
        if required:
            print("AUDIT_REQUIRED=1: failing the run.")
            return 1
        print("Nothing was audited in this run (set AUDIT_REQUIRED=1 where the service answers).")
        return 0

    verdict = verdict_of(report, accepted)
    for line in verdict.accepted:
        print(f"Dependency audit: {line}")
    for stale in verdict.stale_acceptances:
        print(f"Dependency audit: {stale} is accepted but no longer reported: remove its line.")
    if verdict.not_audited:
        print(
            f"Dependency audit: {len(verdict.not_audited)} of "
            f"{len(verdict.not_audited) + verdict.audited} packages could not be audited "
            f"(the service did not answer for them), e.g. {verdict.not_audited[0]}"
        )
        if required:
            print("AUDIT_REQUIRED=1: failing the run.")
            return 1
        if not verdict.audited:
            print(
                "Nothing was audited in this run: use another source (AUDIT_SERVICE=osv, "
                "AUDIT_OSV_URL=...), or set AUDIT_REQUIRED=1 where the service answers."
            )
            return 0
    if verdict.vulnerable:
        print("Dependency audit: known vulnerabilities in the locked packages:")
        for line in verdict.vulnerable:
            print(f"  {line}")
        print(
            "Move the package to a fixed release (scripts/lock --upgrade-package NAME), or, if it "
            f"cannot affect us, accept it in {shown(accepted_file)} with the reason."
        )
        return 1
    print(f"Dependency audit: {verdict.audited} packages audited, no known vulnerability.")
    return 0


if __name__ == "__main__":
    sys.exit(audit())
