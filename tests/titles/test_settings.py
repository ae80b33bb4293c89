import os
import subprocess
import sys
from pathlib import Path

from tests.production_keys import production_environment

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Import the production settings in a fresh interpreter with exactly ``env`` set."""
    base = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "titles.settings",
        "DATA_DIR": os.environ.get("DATA_DIR", str(ROOT / ".data")),
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'DEBUG'])",
        DATABASE_URL=os.environ["DATABASE_URL"],
        **production_environment(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_settings_read_from_environment():
    result = run_python(
        "import django; from django.conf import settings as s;"
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.CELERY_BROKER_URL, s.CACHES['default']['BACKEND'],"
        " s.DATABASES['default']['NAME'], s.DATABASES['default']['CONN_MAX_AGE'],"
        " s.EMAIL_HOST, s.EMAIL_PORT, s.TIME_ZONE, s.LANGUAGE_CODE, s.USE_TZ,"
        " s.SECURE_SSL_REDIRECT)",
        DATABASE_URL="postgres://someone@db.example.cn:5433/titles_prod",
        REDIS_URL="redis://cache.example.cn:6380/2",
        SECRET_KEY="k" * 60,
        DEBUG="1",
        ALLOWED_HOSTS="a.example.cn, b.example.cn",
        EMAIL_HOST="smtp.example.cn",
        EMAIL_PORT="2525",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "['a.example.cn',",
        "'b.example.cn']",
        "redis://cache.example.cn:6380/2",
        "django.core.cache.backends.redis.RedisCache",
        "titles_prod",
        "60",
        "smtp.example.cn",
        "2525",
        "Asia/Shanghai",
        "zh-hans",
        "True",
        "False",
    ]


def test_settings_without_redis_use_the_filesystem_broker():
    result = run_python(
        "from django.conf import settings as s; print(s.CELERY_BROKER_URL, s.DEBUG)",
        DATABASE_URL="postgres://someone@localhost/titles",
        SECRET_KEY="k" * 60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["filesystem://", "False"]


def test_settings_without_database_url_say_what_to_do():
    result = run_python("from django.conf import settings as s; s.DATABASES", SECRET_KEY="k" * 60)
    assert result.returncode == 1
    assert "DATABASE_URL is not set. Use `./dev run`" in result.stderr


def test_settings_refuse_a_database_other_than_postgresql():
    result = run_python(
        "from django.conf import settings as s; s.DATABASES",
        SECRET_KEY="k" * 60,
        DATABASE_URL="sqlite:///tmp/x.db",
    )
    assert result.returncode == 1
    assert "PostgreSQL is the only supported database." in result.stderr


def test_without_secret_key_a_random_one_is_kept_in_the_data_folder(tmp_path):
    code = "from django.conf import settings as s; print(s.SECRET_KEY)"
    first = run_python(code, DATABASE_URL="postgres://x@localhost/t", DATA_DIR=str(tmp_path))
    second = run_python(code, DATABASE_URL="postgres://x@localhost/t", DATA_DIR=str(tmp_path))
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text()
    assert first.stdout.strip() == second.stdout.strip() == key
    assert len(key) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
