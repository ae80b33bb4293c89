import shutil
import subprocess
from pathlib import Path

import polib
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose_client() -> list[str] | None:
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) is None:
            continue
        probe = subprocess.run([*command, "version"], capture_output=True, text=True)
        if probe.returncode == 0:
            return command
    return None


@pytest.mark.skipif(compose_client() is None, reason="no docker compose client here")
def test_docker_compose_config_accepts_the_file():
    result = subprocess.run(
        [*compose_client(), "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin:/usr/local/bin",
            "SECRET_KEY": "k" * 60,
            "FIELD_ENCRYPTION_KEY": "f" * 60,
        },
    )
    assert result.returncode == 0, result.stderr


def test_docker_compose_has_the_deployed_shape():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "db", "redis", "mail"}
    assert "gunicorn titles.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A titles worker")
    assert services["beat"]["command"].startswith("celery -A titles beat")
    assert services["web"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-noto-cjk"):
        assert package in dockerfile


def test_chinese_catalogue_is_complete_and_compiled(tmp_path):
    po_path = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {entry.msgid: entry.msgstr for entry in mo}
    for entry in catalogue.translated_entries():
        if not entry.msgid_plural:
            assert compiled.get(entry.msgid) == entry.msgstr, f"stale .mo for {entry.msgid!r}"
