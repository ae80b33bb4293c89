"""Faults, on private Redis and PostgreSQL servers started here (never the shared ones): the
broker down while an applicant submits, PostgreSQL restarted under a running site, two sweeps at
once. Each ends with zero lost and zero duplicated records."""

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from applications import services
from applications.enums import ApplicationState as S
from applications.models import Application
from tests.applications.factories import complete_application
from tests.applications.test_concurrency import race
from tests.factories import UserFactory
from tests.reliability.services import PrivatePostgres, PrivateRedis, postgres_bin
from titles import sweep
from titles.celery import app as celery_app
from titles.enums import Role
from titles.models import OutboxEmail
from titles.notifications import outbox_sweep
from titles.people import role_grant

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _pools_reset() -> None:
    """Forget the broker connections, so the next publish connects to ``conf.broker_url``."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def private_broker(settings):
    """Celery pointed at a private Redis (started); restores the configured broker after."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    redis = PrivateRedis()
    redis.start()
    saved = celery_app.conf.broker_url, celery_app.conf.task_publish_retry
    celery_app.conf.broker_url = redis.url
    celery_app.conf.task_publish_retry = False
    _pools_reset()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield redis
    redis.stop()
    celery_app.conf.broker_url, celery_app.conf.task_publish_retry = saved
    _pools_reset()


@pytest.mark.django_db(transaction=True)
def test_broker_down_during_submission_loses_no_email_and_sends_none_twice(private_broker):
    application = complete_application()
    reviewer = UserFactory(email="hr@example.cn")
    role_grant(
        user=reviewer, role=Role.EMPLOYER_REVIEWER, organization=application.employer, actor=None
    )
    private_broker.stop()  # Redis dies just before the applicant presses "submit"
    services.application_submit(
        application=application, actor=application.applicant, declaration=True
    )
    assert Application.objects.get(pk=application.pk).state == S.EMPLOYER_REVIEW
    pending = set(OutboxEmail.objects.filter(status="pending").values_list("pk", flat=True))
    assert pending  # the employer's reviewers / the applicant are to be told
    assert mail.outbox == []

    private_broker.start()  # back again, on the same port
    later = timezone.now() + timedelta(minutes=5)
    assert len(outbox_sweep(later)) == len(pending)
    assert outbox_sweep(later) == []  # a second pass queues nothing again
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deadline = timezone.now() + timedelta(seconds=20)
        while OutboxEmail.objects.filter(pk__in=pending, status="pending").exists():
            assert timezone.now() < deadline, "the worker did not send the queued emails"
            __import__("time").sleep(0.1)
    assert set(OutboxEmail.objects.filter(status="sent").values_list("pk", flat=True)) == pending
    assert sorted(m.subject for m in mail.outbox) == sorted(
        OutboxEmail.objects.filter(pk__in=pending).values_list("subject", flat=True)
    )


RESTART_SCRIPT = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.signals import request_finished, request_started
    from django.db import connection

    def request(number):
        # what Django's handler does around each request: close stale connections first
        request_started.send(sender=None)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT %s", [number])
                return cursor.fetchone()[0]
        finally:
            request_finished.send(sender=None)

    assert request(1) == 1
    input()  # the test restarts PostgreSQL now
    assert request(2) == 2
    assert request(3) == 3
    print("ok")
    """
)


@pytest.mark.skipif(postgres_bin() is None, reason="no PostgreSQL server binaries")
def test_postgres_restarted_while_the_site_runs_the_next_requests_succeed():
    directory = Path(tempfile.mkdtemp(prefix="titles-pg-"))
    directory.chmod(0o755)  # the server runs as another user when the tests run as root
    server = PrivatePostgres(directory)
    server.init()
    server.start()
    try:
        env = {
            **os.environ,
            "DATABASE_URL": server.url,
            "DJANGO_SETTINGS_MODULE": "titles.settings_test",
            "CONN_MAX_AGE": "600",
        }
        site = subprocess.Popen(
            [sys.executable, "-c", RESTART_SCRIPT],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        server.stop()
        server.start()
        out, err = site.communicate("\n", timeout=60)
        assert (site.returncode, out.strip()) == (0, "ok"), err
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_change_each_deadline_once():
    from tests.applications.test_eligibility import agency_staff, in_eligibility_review

    application = in_eligibility_review()
    services.supplement_request(
        application=application, actor=agency_staff(), items=[(None, "请补充学位证书")]
    )
    after_deadline = timezone.now() + timedelta(days=60)
    results = race(
        lambda: sweep.sweep_run(now=after_deadline), lambda: sweep.sweep_run(now=after_deadline)
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    lines = [
        line
        for result in results
        if result.ran
        for line in result.changes
        if line.startswith(f"application {application.reference}")
    ]
    assert len(lines) == 1, results
    assert Application.objects.get(pk=application.pk).state == S.WITHDRAWN
    from titles.models import AuditEvent

    assert (
        AuditEvent.objects.filter(
            object_id=str(application.pk), from_state=S.SUPPLEMENT_REQUESTED, to_state=S.WITHDRAWN
        ).count()
        == 1
    )


WORKER_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    import django
    django.setup()
    from certificates import services
    from titles.celery import app

    marker = os.environ.get("RENDER_MARKER")
    if marker:  # the first worker: announce the render, then hang in it until killed
        def render_slowly(certificate):
            Path(marker).write_text("rendering")
            time.sleep(120)
        services.certificate_document = render_slowly
    app.conf.broker_url = os.environ["PRIVATE_BROKER"]
    app.conf.broker_transport_options = {"visibility_timeout": 2}
    app.worker_main(["worker", "--pool=solo", "--concurrency=1", "--loglevel=WARNING",
                     "--without-gossip", "--without-mingle", "--without-heartbeat"])
    """
)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_rendering_a_certificate_issues_it_once(private_broker, tmp_path):
    from django.conf import settings
    from django.db import connection

    from certificates.models import Certificate
    from certificates.tasks import task_issue_certificate
    from tests.certificates.factories import certifying

    application = certifying()
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "titles.settings_test",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}"
            f"/{database['NAME']}"
        ),
        "REDIS_URL": private_broker.url,
        "PRIVATE_BROKER": private_broker.url,
        "DATA_DIR": str(settings.DATA_DIR),
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
    }
    marker = tmp_path / "rendering"

    def worker(**extra):
        return subprocess.Popen(
            [sys.executable, "-c", WORKER_SCRIPT],
            cwd=ROOT,
            env={**env, **extra},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    first = worker(RENDER_MARKER=str(marker))
    try:
        task_issue_certificate.delay(application_id=application.pk)
        deadline = time.monotonic() + 30
        while not marker.exists():
            assert first.poll() is None, first.stderr.read()
            assert time.monotonic() < deadline, "the worker never started rendering"
            time.sleep(0.1)
        first.kill()  # SIGKILL in the middle of rendering: no acknowledgement, no commit
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    assert not Certificate.objects.filter(application=application).exists()

    time.sleep(3)  # past the (shortened) visibility timeout: the message is due again
    second = worker()
    try:
        deadline = time.monotonic() + 60
        while not Certificate.objects.filter(application=application).exists():
            assert second.poll() is None, second.stderr.read()
            assert time.monotonic() < deadline, "the task did not run again"
            time.sleep(0.2)
        time.sleep(1)  # a duplicate delivery would issue within this second
    finally:
        second.terminate()
        second.wait(20)
    assert Certificate.objects.filter(application=application).count() == 1
    assert Application.objects.get(pk=application.pk).state == S.CERTIFIED
