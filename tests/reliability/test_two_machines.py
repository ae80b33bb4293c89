"""Two machines, for real: two web servers (gunicorn) and two Celery workers, each "machine" with
its own data folder, the production settings and real keys, against one PostgreSQL (the test
database), one Redis (private, started here) and one S3-compatible store (moto's server).

A file uploaded through one web server downloads through the other; a certificate issued by the
worker of one machine verifies on the other (web page and command); two sweeps at once, one per
worker, change a deadline once; both web servers see both workers alive."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import time_machine
from django.db import connection

from applications import services as application_services
from applications.enums import ApplicationState, MaterialSlot
from applications.models import Application
from certificates.models import Certificate
from tests.applications.factories import ApplicationFactory, pdf_bytes
from tests.applications.test_eligibility import agency_staff, in_eligibility_review
from tests.certificates.factories import certifying
from tests.factories import PASSWORD, UserFactory
from tests.production_keys import production_environment
from tests.reliability.services import PrivateRedis, free_port
from tests.s3 import S3Server
from titles.celery import app as celery_app
from titles.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _pools_reset() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def wait_until(check, *, seconds: float, what: str, processes=(), logs=()):
    """Poll ``check`` until true; on a timeout or a process gone, fail with the machines' logs."""
    try:
        _wait_until(check, seconds=seconds, what=what, processes=processes)
    except AssertionError as error:
        raise AssertionError(f"{error}\n" + "\n".join(log() for log in logs)) from None


def _wait_until(check, *, seconds: float, what: str, processes=()):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        for process in processes:
            assert process.poll() is None, f"a process ended while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


class Machine:
    """One machine: its data folder, its web server and its worker, with the shared settings."""

    def __init__(self, name: str, root: Path, shared_env: dict[str, str]):
        self.name = name
        self.data = root / name
        self.data.mkdir()
        self.port = free_port()
        self.env = {
            **shared_env,
            "DATA_DIR": str(self.data),
            "PORT": str(self.port),
            "PROMETHEUS_MULTIPROC_DIR": str(self.data / "metrics"),
        }
        self.processes: list[subprocess.Popen] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _start(self, args: list[str], log: str) -> subprocess.Popen:
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.data / log, "w"),  # noqa: SIM115 - closed with the process
        )
        self.processes.append(process)
        return process

    def web_start(self) -> None:
        self._start(
            [str(BIN / "gunicorn"), "--config", "python:titles.gunicorn_conf", "titles.wsgi"],
            "web.log",
        )

    def worker_start(self) -> None:
        self._start(
            [
                str(BIN / "celery"),
                "-A",
                "titles",
                "worker",
                "--pool=solo",
                f"--hostname=worker@{self.name}",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            "worker.log",
        )

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()

    def log(self, name: str, tail: int | None = 3000) -> str:
        path = self.data / name
        text = path.read_text() if path.exists() else ""
        return text[-tail:] if tail else text


def browser(machine: Machine) -> requests.Session:
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    return session


def csrf_token(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]


def sign_in(session: requests.Session, machine: Machine, username: str) -> None:
    token = csrf_token(session, machine.url + "/accounts/login/")
    response = session.post(
        machine.url + "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]


def database_now():
    """PostgreSQL's clock: the other processes' time, whatever this test run's clock says."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


@pytest.fixture
def installation(tmp_path, settings):
    """Two machines sharing PostgreSQL, Redis, the object store and the keys (not the disks)."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    with ExitStack() as stack:
        redis = PrivateRedis()
        redis.start()
        stack.callback(redis.stop)
        store = S3Server().start()
        stack.callback(store.stop)
        bucket = store.bucket_create(f"titles-{uuid.uuid4().hex[:10]}")
        database = connection.settings_dict
        shared = {
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "titles.settings",  # production, with real keys
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}"
                f"/{database['NAME']}"
            ),
            "REDIS_URL": redis.url,
            **production_environment(tmp_path),
            **store.environment(bucket, prefix="media"),
            "ALLOWED_HOSTS": "titles.example.cn,127.0.0.1",
            # Plain HTTP on loopback here; behind the TLS proxy these stay on.
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            # Nothing leaves this machine: the outbox is sent to memory.
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "METRICS_ALLOWED_NETWORKS": "127.0.0.1/32",
            "GUNICORN_WORKERS": "2",
            "STATIC_ROOT": str(tmp_path / "static"),
        }
        # Static files collected once, as the image build does; both machines run that image.
        collected = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput"],
            cwd=ROOT,
            env=shared,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert collected.returncode == 0, collected.stderr
        machines = [Machine(name, tmp_path, shared) for name in ("a", "b")]
        for machine in machines:
            stack.callback(machine.stop)
        saved = celery_app.conf.broker_url, celery_app.conf.result_backend
        celery_app.conf.broker_url = celery_app.conf.result_backend = redis.url
        _pools_reset()

        def restore():
            celery_app.conf.broker_url, celery_app.conf.result_backend = saved
            _pools_reset()

        stack.callback(restore)
        # This process writes the data the machines read: with the machines' keys.
        settings.SECRET_KEY = shared["SECRET_KEY"]
        settings.FIELD_ENCRYPTION_KEY = shared["FIELD_ENCRYPTION_KEY"]
        settings.BALLOT_SECRET = shared["BALLOT_SECRET"]
        yield {"machines": machines, "store": store, "bucket": bucket}


def test_two_machines_share_files_certificates_and_one_sweep(installation, settings):
    a, b = installation["machines"]
    # The machines run the production password hashers (the tests' own is MD5, for speed).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    store, bucket = installation["store"], installation["bucket"]

    # The data, written by this test before the machines start.
    application = ApplicationFactory()
    applicant = application.applicant
    applicant.username = "li.na"
    applicant.set_password(PASSWORD)
    applicant.save(update_fields=["username", "password"])
    outsider = UserFactory(username="outsider")
    outsider.set_password(PASSWORD)
    outsider.save(update_fields=["password"])
    to_certify = certifying()
    with time_machine.travel(database_now() - timedelta(days=60)):  # a deadline long past
        late = in_eligibility_review()
        application_services.supplement_request(
            application=late, actor=agency_staff(), items=[(None, "请补充学位证书")]
        )
    assert outsider.pk

    for machine in (a, b):
        machine.web_start()
    a.worker_start()
    wait_until(
        lambda: all(requests.get(m.url + "/healthz", timeout=5).ok for m in (a, b)),
        seconds=90,
        what="both web servers",
        processes=a.processes + b.processes,
    )

    # 1. A file uploaded through machine a downloads through machine b.
    applicant_browser = browser(a)
    sign_in(applicant_browser, a, "li.na")
    token = csrf_token(applicant_browser, f"{a.url}/applications/{application.pk}/edit/materials/")
    content = pdf_bytes()
    uploaded = applicant_browser.post(
        f"{a.url}/applications/{application.pk}/materials/upload/",
        data={"slot": MaterialSlot.DEGREE_CERTIFICATE, "csrfmiddlewaretoken": token},
        files={"file": ("学位证书.pdf", content, "application/pdf")},
        allow_redirects=False,
        timeout=60,
    )
    assert uploaded.status_code == 302, uploaded.text[:1000] + a.log("web.log")
    version = application.materials.get().versions.get()
    assert store.objects(bucket) == {f"media/{version.file.name}": content}
    assert not any(path.is_file() for path in (a.data / "media").rglob("*"))
    download_url = f"{b.url}/applications/{application.pk}/files/{version.pk}/"
    downloaded = applicant_browser.get(download_url, timeout=30)  # the same session, machine b
    assert (downloaded.status_code, downloaded.content) == (200, content)
    assert downloaded.headers["Content-Type"] == "application/pdf"
    other = browser(b)
    sign_in(other, b, "outsider")
    assert other.get(download_url, timeout=30).status_code == 404

    # 2. A certificate issued by machine a's worker verifies on machine b.
    from certificates.tasks import task_issue_certificate

    task_issue_certificate.delay(application_id=to_certify.pk)
    wait_until(
        lambda: Certificate.objects.filter(application=to_certify).exists(),
        seconds=90,
        what="the certificate",
        logs=[lambda: a.log("worker.log")],
        processes=a.processes,
    )
    certificate = Certificate.objects.get(application=to_certify)
    issued_by_a = a.log("worker.log", tail=None)
    assert "worker@a" in issued_by_a
    assert "certificates.tasks.task_issue_certificate" in issued_by_a
    verified = browser(b)
    token = csrf_token(verified, b.url + "/verify/")
    answer = verified.post(
        b.url + "/verify/upload/",
        data={"csrfmiddlewaretoken": token},
        files={"document": ("c.pdf", bytes(certificate.pdf), "application/pdf")},
        timeout=60,
    )
    assert "Valid certificate" in answer.text, answer.text[:2000]
    by_qr = verified.get(
        f"{b.url}/verify/{certificate.number}/", params={"s": certificate.signature}, timeout=30
    )
    assert "Valid certificate" in by_qr.text
    command = b.manage("verify_certificate", certificate.number)
    assert (command.returncode, command.stdout.split()[0]) == (0, "valid"), command.stderr

    # 3. Both workers running, two sweeps at once (one each): the deadline changes once.
    b.worker_start()
    # Each web process looks again at most every 15 s (titles.health), and a machine has more
    # than one: every answer counts both workers once the first few come back saying so.
    healthy = {"status": "ok", "database": True, "broker": True, "workers": 2}

    def both_see_two_workers() -> bool:
        return all(
            requests.get(machine.url + "/healthz", timeout=5).json() == healthy
            for machine in (a, b, a, b, a, b)
        )

    wait_until(
        both_see_two_workers,
        seconds=90,
        what="two live workers",
        processes=a.processes + b.processes,
    )
    from titles.tasks import task_sweep_deadlines

    for _ in range(2):
        task_sweep_deadlines.delay()

    def sweeps_done() -> list[str]:
        logs = a.log("worker.log", tail=None) + b.log("worker.log", tail=None)
        return [
            line
            for line in logs.splitlines()
            if "titles.tasks.task_sweep_deadlines[" in line and "succeeded" in line
        ]

    wait_until(
        lambda: len(sweeps_done()) == 2,
        seconds=90,
        what="two sweeps",
        processes=a.processes + b.processes,
        logs=[lambda: a.log("worker.log"), lambda: b.log("worker.log")],
    )
    # Each sweep's result is in its log line: the late application changed in exactly one.
    assert len([line for line in sweeps_done() if late.reference in line]) == 1, sweeps_done()
    assert Application.objects.get(pk=late.pk).state == ApplicationState.WITHDRAWN
    assert (
        AuditEvent.objects.filter(
            object_id=str(late.pk),
            from_state=ApplicationState.SUPPLEMENT_REQUESTED,
            to_state=ApplicationState.WITHDRAWN,
        ).count()
        == 1
    )

    # 4. Each web server counts its own requests; both see the shared state.
    metrics = requests.get(b.url + "/metrics", timeout=30)
    assert metrics.status_code == 200
    assert re.search(r"^titles_workers_alive 2\.0$", metrics.text, flags=re.MULTILINE)
    assert re.search(
        r'^titles_http_requests_total\{method="GET",status="200",view="healthz"\} \d+',
        metrics.text,
        flags=re.MULTILINE,
    )
    # The logs are JSON lines with the request id the site answered with.
    # (the whole log: its last characters may begin in the middle of a line)
    lines = a.log("web.log", tail=None).splitlines()
    line = json.loads(next(x for x in lines if '"titles.request"' in x))
    assert set(line) >= {"time", "level", "logger", "request_id", "user_id", "route", "status"}
