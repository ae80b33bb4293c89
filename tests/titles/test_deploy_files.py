import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
FULL_ENV = {
    "SERVER_NAME": "titles.example.cn",
    "SITE_URL": "https://titles.example.cn",
    "ALLOWED_HOSTS": "titles.example.cn",
    "SECRET_KEY": "s" * 64,
    "FIELD_ENCRYPTION_KEY": "f" * 64,
    "BALLOT_SECRET": "b" * 64,
    "POSTGRES_PASSWORD": "p" * 32,
    "REDIS_PASSWORD": "r" * 32,
    "DATABASE_URL": "postgres://titles:" + "p" * 32 + "@db:5432/titles",
    "REDIS_URL": "redis://:" + "r" * 32 + "@redis:6379/0",
    "KEYS_DIR": "/srv/titles/keys",
    "EMAIL_HOST": "smtp.example.cn",
    "DEFAULT_FROM_EMAIL": "titles@example.cn",
}


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
        env={"PATH": "/usr/bin:/bin:/usr/local/bin", **FULL_ENV},
    )
    assert result.returncode == 0, result.stderr


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


# --- docker-compose.yml, read as Docker Compose reads it, without a Docker daemon -------------

_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)


class MissingVariable(Exception):
    pass


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's variable substitution: $$, ${V}, $V, ${V:-default}, ${V-default}, ${V:?error},
    ${V?error}."""

    def one(match):
        if match[0] == "$$":
            return "$"
        name = match["name"] or match["bare"]
        op, arg = match["op"], match["arg"] or ""
        value = env.get(name)
        unset = not value if op in (":-", ":?") else value is None
        if unset and op in (":-", "-"):
            return interpolate(arg, env)
        if unset and op in (":?", "?"):
            raise MissingVariable(f"{name}: {arg}")
        return value or ""

    return _VARIABLE.sub(one, text)


def resolved(node, env):
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [resolved(item, env) for item in node]
    if isinstance(node, dict):
        return {key: resolved(value, env) for key, value in node.items()}
    return node


def compose_file(env: dict[str, str] | None = None) -> dict:
    raw = yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # merges <<: *app
    raw.pop("x-app")
    return resolved(raw, FULL_ENV if env is None else env)


def raw_compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


APP_SERVICES = ("web", "worker", "beat", "migrate")


def test_compose_has_the_deployed_shape():
    services = compose_file()["services"]
    assert set(services) == {"proxy", "web", "worker", "beat", "migrate", "db", "redis", "mail"}
    assert services["web"]["command"] == [
        "gunicorn",
        "--config",
        "python:titles.gunicorn_conf",
        "titles.wsgi",
    ]
    assert services["worker"]["command"][:4] == ["celery", "-A", "titles", "worker"]
    assert services["worker"]["command"][-1] == "--concurrency=2"
    assert services["beat"]["command"][:4] == ["celery", "-A", "titles", "beat"]
    assert services["migrate"]["command"] == [
        "sh",
        "-c",
        "python manage.py check --deploy && exec python manage.py migrate --noinput",
    ]


@pytest.mark.parametrize(
    "variable",
    [
        "SECRET_KEY",
        "FIELD_ENCRYPTION_KEY",
        "BALLOT_SECRET",
        "SITE_URL",
        "ALLOWED_HOSTS",
        "POSTGRES_PASSWORD",
        "REDIS_PASSWORD",
        "DATABASE_URL",
        "REDIS_URL",
        "KEYS_DIR",
        "EMAIL_HOST",
        "DEFAULT_FROM_EMAIL",
        "SERVER_NAME",
    ],
)
def test_compose_refuses_to_start_without_each_secret_and_address(variable):
    env = {key: value for key, value in FULL_ENV.items() if key != variable}
    with pytest.raises(MissingVariable, match=rf"^{variable}: set "):
        compose_file(env)


def published(service: dict) -> list[tuple[str, str, str]]:
    """(host address, host port, container port) of each published port."""
    found = []
    for entry in service.get("ports", []):
        parts = str(entry).split(":")
        if len(parts) == 2:
            parts = ["0.0.0.0", *parts]  # noqa: S104 - what compose means by no address
        found.append(tuple(parts))
    return found


def test_only_the_proxy_is_published_on_every_interface():
    services = compose_file()["services"]
    every_interface = "0.0.0.0"  # noqa: S104 - the proxy is the one published service
    assert published(services["proxy"]) == [
        (every_interface, "443", "443"),
        (every_interface, "80", "80"),
    ]
    # web on loopback only, on a port Docker picks, so that `--scale web=3` starts
    assert published(services["web"]) == [("127.0.0.1", "", "8000")]
    assert published(services["mail"]) == [("127.0.0.1", "8025", "8025")]
    for name in ("worker", "beat", "migrate", "db", "redis"):
        assert "ports" not in services[name], name
    # A private address for web machines behind a proxy elsewhere.
    two_machines = compose_file({**FULL_ENV, "WEB_PUBLISH": "10.0.1.11:8000"})
    assert published(two_machines["services"]["web"]) == [("10.0.1.11", "8000", "8000")]


def test_mailpit_runs_only_in_the_development_profile():
    services = compose_file()["services"]
    assert services["mail"]["profiles"] == ["dev"]
    assert [name for name, service in services.items() if service.get("profiles")] == ["mail"]
    for name in APP_SERVICES:
        assert services[name]["environment"]["EMAIL_HOST"] == "smtp.example.cn"


def environment_names_read_by_the_code() -> set[str]:
    pattern = re.compile(
        r"""(?:environ\.get|environ\[|env_bool|env_list|getenv)\(?\s*["']([A-Z][A-Z0-9_]+)["']"""
    )
    names = set()
    for folder in ("titles", "applications", "review", "committee", "bureau", "certificates"):
        for path in (ROOT / folder).rglob("*.py"):
            names |= set(pattern.findall(path.read_text()))
    keys = (ROOT / "certificates" / "keys.py").read_text()
    names |= set(re.findall(r'_ENV = "([A-Z_]+)"', keys))
    return names


# Read by the code but set by the image, deliberately left at their defaults, or development only.
NOT_PASSED = {
    "DATA_DIR",  # the image: /data
    "STATIC_ROOT",  # the image: collected at build time
    "PROMETHEUS_MULTIPROC_DIR",  # the image: /tmp/metrics
    "MEDIA_ROOT",  # $DATA_DIR/media on the appdata volume
    "DEBUG",  # never on in production
    "SECURE_SSL_REDIRECT",  # production defaults: on
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "CONN_MAX_AGE",
    "PORT",  # 8000, the port the proxy and the healthcheck use
    "GUNICORN_THREADS",
    "GUNICORN_MAX_REQUESTS",
    "HEALTHCHECK_NODE",  # the healthcheck's own, for tests
    "EMAIL_BACKEND",  # SMTP, because EMAIL_HOST is required
}


def test_every_setting_the_code_reads_is_passed_through():
    environment = compose_file()["services"]["web"]["environment"]
    read = environment_names_read_by_the_code()
    assert read - NOT_PASSED - set(environment) == set()
    assert NOT_PASSED & set(environment) == set()
    fixed = {"BEHIND_PROXY": "1", "LOG_FORMAT": "json"}
    raw = raw_compose()["x-app"]["environment"]
    for name, value in raw.items():
        if name in fixed:
            assert value == fixed[name]
        else:  # the deployment's own value, never one written here
            assert str(value).startswith("${" + name), (name, value)
    for name in APP_SERVICES:
        assert compose_file()["services"][name]["environment"] == environment


def test_the_migration_runs_once_before_the_site():
    services = compose_file()["services"]
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert "migrate" not in " ".join(services[name]["command"])
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}


def test_restart_policies_healthchecks_and_pinned_images():
    services = compose_file()["services"]
    for name, service in services.items():
        if name not in ("migrate", "mail"):
            assert service["restart"] == "unless-stopped", name
        if "image" in service and name not in APP_SERVICES:
            _image, _, tag = service["image"].partition(":")
            assert re.match(r"^v?\d+\.\d+(\.\d+)?(-[a-z0-9]+)?$", tag), service["image"]
    for name in ("proxy", "web", "worker", "beat", "db", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert services["web"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "-m",
        "titles.healthcheck",
        "web",
    ]
    assert services["worker"]["healthcheck"]["test"][-1] == "worker"
    assert services["beat"]["healthcheck"]["test"][-1] == "beat"
    assert services["web"]["stop_grace_period"] == "40s"  # above GUNICORN_GRACEFUL_TIMEOUT


def test_behind_the_proxy_exactly_the_front_network_is_trusted():
    compose = compose_file()
    services = compose["services"]
    environment = services["web"]["environment"]
    assert (environment["BEHIND_PROXY"], environment["PROXY_HOPS"]) == ("1", "1")
    subnet = compose["networks"]["front"]["ipam"]["config"][0]["subnet"]
    assert environment["TRUSTED_PROXIES"] == subnet
    on_front = sorted(name for name, service in services.items() if "front" in service["networks"])
    assert on_front == ["proxy", "web"]


def test_the_nginx_template_forwards_what_the_site_trusts():
    template = (ROOT / "deploy" / "nginx" / "default.conf.template").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in template
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in template
    assert "proxy_set_header X-Request-ID $request_id;" in template
    assert "ssl_reject_handshake on;" in template
    environment = compose_file()["services"]["proxy"]["environment"]
    for name in set(re.findall(r"\$\{([A-Z_]+)\}", template)):
        assert environment.get(name), name
    assert environment["UPSTREAM_SERVERS"] == "server web:8000;"


def test_the_example_environment_names_every_required_variable():
    example = (ROOT / "deploy" / "env.example").read_text()
    required = set(re.findall(r"\$\{([A-Z_]+):\?", (ROOT / "docker-compose.yml").read_text()))
    named = set(re.findall(r"^#?\s*([A-Z_]+)=", example, flags=re.MULTILINE))
    assert required - named == set()


def test_the_image_carries_no_local_state_and_collects_static_files_when_built():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", ".data", ".env", "deploy/tls", "tests", "*.pem"} <= ignored
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-noto-cjk"):
        assert package in dockerfile
    assert re.search(r"^FROM python:3\.11\.\d+-slim-bookworm$", dockerfile, flags=re.MULTILINE)
    assert (
        'CMD ["gunicorn", "--config", "python:titles.gunicorn_conf", "titles.wsgi"]' in dockerfile
    )
    assert "requirements/production.txt" in dockerfile and "--require-hashes" in dockerfile


def test_the_build_step_collects_static_files_without_a_database_or_secrets(tmp_path):
    """The Dockerfile's collectstatic line, run as written (only STATIC_ROOT moved here)."""
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    line = next(line for line in dockerfile.splitlines() if "collectstatic" in line)
    assignments = dict(re.findall(r"([A-Z_]+)=(\S+)", line.split("python manage.py")[0]))
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            **assignments,
            "DATA_DIR": str(tmp_path / "build-data"),
            "STATIC_ROOT": str(tmp_path / "static"),
        },
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())
    assert "css/site.css" in manifest["paths"]
    assert (tmp_path / "static" / (manifest["paths"]["css/site.css"] + ".gz")).exists()
    assert not (tmp_path / "build-data" / "secret_key").exists()


def test_gunicorn_takes_workers_and_timeouts_from_the_environment():
    code = (
        "import titles.gunicorn_conf as c; print(c.bind, c.workers, c.timeout, "
        "c.graceful_timeout, c.keepalive, c.forwarded_allow_ips)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "GUNICORN_WORKERS": "5",
            "GUNICORN_TIMEOUT": "90",
            "GUNICORN_GRACEFUL_TIMEOUT": "20",
            "TRUSTED_PROXIES": "172.30.57.0/24",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["0.0.0.0:8000", "5", "90", "20", "5", "172.30.57.0/24"]
