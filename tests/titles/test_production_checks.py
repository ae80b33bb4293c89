"""With DEBUG off, the site refuses to start without real keys (titles.checks, certificates.checks):
every `manage.py` command that runs the checks, gunicorn and the Celery worker and beat."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks

from certificates import keys
from tests.production_keys import production_environment

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def real_environment(tmp_path_factory) -> dict[str, str]:
    return production_environment(tmp_path_factory.mktemp("production"))


@pytest.fixture
def production(settings, monkeypatch, real_environment, tmp_path):
    """The in-process settings as production would have them (all keys real)."""
    settings.DEBUG = False
    settings.DEVELOPMENT_KEYS_ALLOWED = False
    settings.SECRET_KEY_FROM_ENVIRONMENT = True
    settings.SECRET_KEY = real_environment["SECRET_KEY"]
    settings.FIELD_ENCRYPTION_KEY = real_environment["FIELD_ENCRYPTION_KEY"]
    settings.BALLOT_SECRET = real_environment["BALLOT_SECRET"]
    settings.SITE_URL = real_environment["SITE_URL"]
    settings.ALLOWED_HOSTS = ["titles.example.cn"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.DATA_DIR = tmp_path / "data"
    for name, value in real_environment.items():
        if name.startswith("CERTIFICATE_"):
            monkeypatch.setenv(name, value)
    monkeypatch.delenv(keys.PADES_PASSPHRASE_ENV, raising=False)
    return settings


def problem_ids() -> list[str]:
    return sorted(message.id for message in checks.run_checks(tags=["production_keys"]))


def test_real_keys_pass(production):
    assert problem_ids() == []


def test_the_test_settings_keep_the_development_keys(settings):
    assert settings.DEVELOPMENT_KEYS_ALLOWED is True
    assert problem_ids() == []


def test_debug_keeps_the_development_keys(production):
    production.DEBUG = True
    production.FIELD_ENCRYPTION_KEY = ""
    production.SITE_URL = "http://127.0.0.1:8000"
    assert problem_ids() == []


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("SECRET_KEY_FROM_ENVIRONMENT", False, ["titles.E001"]),
        ("FIELD_ENCRYPTION_KEY", "", ["titles.E002"]),
        ("FIELD_ENCRYPTION_KEY", "short-key", ["titles.E002"]),
        ("BALLOT_SECRET", None, ["titles.E003"]),
        ("BALLOT_SECRET", "b" * 31, ["titles.E003"]),
        ("SITE_URL", "", ["titles.E005"]),
        ("SITE_URL", "http://127.0.0.1:8000", ["titles.E005"]),
        ("SITE_URL", "https://localhost", ["titles.E005"]),
        ("SITE_URL", "https://app.localhost/", ["titles.E005"]),
        ("SITE_URL", "https://[::1]:8443", ["titles.E005"]),
        ("SITE_URL", "https://0.0.0.0", ["titles.E005"]),
        ("SITE_URL", "titles.example.cn", ["titles.E005"]),
        ("SITE_URL", "http://titles.example.cn", ["titles.W001"]),
        ("SITE_URL", "https://other.example.cn", ["titles.W002"]),
        ("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend", ["titles.W003"]),
    ],
)
def test_each_missing_or_development_setting_is_named(production, setting, value, expected):
    setattr(production, setting, value)
    assert problem_ids() == expected


def test_a_secret_reused_for_another_is_refused(production):
    production.BALLOT_SECRET = production.FIELD_ENCRYPTION_KEY
    assert problem_ids() == ["titles.E004"]


def test_behind_a_proxy_without_trusted_proxies_is_refused(production):
    production.BEHIND_PROXY = True
    production.TRUSTED_PROXIES = []
    assert problem_ids() == ["titles.E006"]


@pytest.mark.parametrize(
    "variable",
    [keys.SIGNING_KEY_ENV, keys.PADES_KEY_ENV, keys.PADES_CERT_ENV],
)
def test_each_missing_certificate_key_is_refused(production, monkeypatch, variable):
    monkeypatch.delenv(variable)
    expected = "certificates.E001" if variable == keys.SIGNING_KEY_ENV else "certificates.E004"
    assert problem_ids() == [expected]


def test_the_development_certificate_keys_are_refused_even_when_named(production, monkeypatch):
    development = keys._development_pades(keys._directory())  # what a machine generates
    keys._signing_key_for("", str(production.DATA_DIR))  # generates signing-key.pem
    monkeypatch.setenv(keys.SIGNING_KEY_ENV, str(keys._directory() / "signing-key.pem"))
    monkeypatch.setenv(keys.PADES_KEY_ENV, str(development.key_path))
    monkeypatch.setenv(keys.PADES_CERT_ENV, str(development.cert_path))
    monkeypatch.setenv(keys.PADES_CHAIN_ENV, str(development.chain_paths[0]))
    monkeypatch.setenv(keys.TRUST_ROOTS_ENV, str(development.chain_paths[0]))
    assert problem_ids() == [
        "certificates.E002",
        "certificates.E006",
        "certificates.E006",
        "certificates.E006",
        "certificates.E006",
    ]
    # The same development key given as PEM text, and the development CA copied elsewhere.
    copied = production.DATA_DIR.parent / "copied"
    copied.mkdir()
    for path in (development.key_path, development.cert_path, development.chain_paths[0]):
        (copied / path.name).write_bytes(path.read_bytes())
    monkeypatch.setenv(keys.SIGNING_KEY_ENV, (keys._directory() / "signing-key.pem").read_text())
    monkeypatch.setenv(keys.PADES_KEY_ENV, str(copied / development.key_path.name))
    monkeypatch.setenv(keys.PADES_CERT_ENV, str(copied / development.cert_path.name))
    monkeypatch.setenv(keys.PADES_CHAIN_ENV, str(copied / development.chain_paths[0].name))
    monkeypatch.setenv(keys.TRUST_ROOTS_ENV, str(copied / development.chain_paths[0].name))
    assert problem_ids() == ["certificates.E002", "certificates.E006", "certificates.E006"]


def test_an_unreadable_certificate_key_is_named(production, monkeypatch, tmp_path):
    monkeypatch.setenv(keys.SIGNING_KEY_ENV, str(tmp_path / "missing.pem"))
    monkeypatch.setenv(keys.PADES_CERT_ENV, str(tmp_path / "missing-cert.pem"))
    assert problem_ids() == ["certificates.E003", "certificates.E005"]


# --- the real commands -------------------------------------------------------------------------


def production_run(args: list[str], env: dict[str, str], timeout: float = 60, **kwargs):
    base = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "titles.settings",
        "DATABASE_URL": os.environ["DATABASE_URL"],
    }
    return subprocess.run(
        args,
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )


def test_check_deploy_fails_without_real_keys(tmp_path):
    result = production_run(
        [sys.executable, "manage.py", "check", "--deploy"],
        {"DATA_DIR": str(tmp_path), "ALLOWED_HOSTS": "titles.example.cn"},
    )
    assert result.returncode == 1
    for check_id in (
        "titles.E001",
        "titles.E002",
        "titles.E003",
        "titles.E005",
        "certificates.E001",
        "certificates.E004",
    ):
        assert f"({check_id})" in result.stderr


def test_check_deploy_passes_with_real_keys(real_environment, tmp_path):
    result = production_run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        {**real_environment, "DATA_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_gunicorn_refuses_to_start_without_real_keys(tmp_path):
    result = production_run(
        [str(BIN / "gunicorn"), "--bind", "127.0.0.1:0", "--workers", "1", "titles.wsgi"],
        {"DATA_DIR": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "The web server refuses to start without real keys (DEBUG is off)" in result.stderr
    assert "titles.E002: FIELD_ENCRYPTION_KEY is not set" in result.stderr


@pytest.mark.parametrize("process", ["worker", "beat"])
def test_celery_refuses_to_start_without_real_keys(tmp_path, process):
    env = {"DATA_DIR": str(tmp_path)}
    for sub in ("queue", "control"):
        (tmp_path / "broker" / sub).mkdir(parents=True)
    result = production_run(
        [str(BIN / "celery"), "-A", "titles", process, "--loglevel=WARNING"], env
    )
    assert result.returncode == 1, result.stderr[-2000:]
    name = "Celery worker" if process == "worker" else "Celery beat"
    assert f"The {name} refuses to start without real keys (DEBUG is off)" in result.stderr
    assert "certificates.E001" in result.stderr


def test_gunicorn_starts_with_real_keys(real_environment, tmp_path):
    """The same command with the keys set serves (and stops on SIGTERM)."""
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", "127.0.0.1:0", "--workers", "1", "titles.wsgi"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "titles.settings",
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "DATA_DIR": str(tmp_path),
            **real_environment,
        },
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in process.stderr:
            if "Booting worker" in line:
                break
            assert "refuses to start" not in line
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
    assert process.returncode == 0
