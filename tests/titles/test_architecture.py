"""The house's own rules about imports, beside the import contract (``lint-imports``, run by
``./dev test``): an import kept inside a function says why, with one of a few reasons."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Why an import may stay inside a function (as pretalx's list): the apps' ``ready()`` (models are
# loaded only then), a heavy library loaded only where it is used, or an optional package. A
# circular import is not a reason: it is a layer in the wrong place.
REASONS = ("app ready", "slow import", "optional dependency")
NOQA = re.compile(r"#\s*noqa:\s*(?P<codes>[A-Z0-9, ]+?)(?:\s+—\s*(?P<reason>.*))?$")
OUTSIDE = {".venv", ".data", "tests", "bench", "node_modules"}


def project_files():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if not OUTSIDE.intersection(parts) and "migrations" not in parts:
            yield path


def test_every_import_inside_a_function_says_why():
    unexplained = []
    for path in project_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = NOQA.search(line)
            if not match or "PLC0415" not in match["codes"]:
                continue
            reason = (match["reason"] or "").strip()
            if not reason.startswith(REASONS):
                unexplained.append(f"{path.relative_to(ROOT)}:{number}: {reason or '(no reason)'}")
    assert unexplained == []


def test_the_reasons_are_in_use():
    """The check above reads real lines (a pattern that matched nothing would pass anything)."""
    found = {
        reason
        for path in project_files()
        for line in path.read_text(encoding="utf-8").splitlines()
        if (match := NOQA.search(line)) and "PLC0415" in match["codes"]
        for reason in REASONS
        if (match["reason"] or "").startswith(reason)
    }
    assert found == set(REASONS)
