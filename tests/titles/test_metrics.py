"""The Prometheus endpoint: for staff or the monitoring network only; what it counts."""

import ipaddress
import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.applications.test_eligibility import in_eligibility_review
from tests.conftest import needs_redis
from tests.factories import UserFactory, sign_in_verified
from titles.calendar import deadline_track
from titles.celery import app as celery_app
from titles.models import OutboxEmail
from titles.tasks import task_sweep_deadlines

pytestmark = pytest.mark.django_db


def value(text: str, name: str, **labels) -> float | None:
    """The sample ``name{labels}`` of an exposition text (labels in any order), or None."""
    for line in text.splitlines():
        match = re.match(r"^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
        if found == {key: str(val) for key, val in labels.items()}:
            return float(match[3])
    return None


@pytest.fixture
def monitoring(settings):
    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("127.0.0.0/8")]


def scrape() -> str:
    response = Client().get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return response.content.decode()


def test_metrics_are_hidden_from_the_public_and_from_non_staff(settings):
    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.0.0.0/8")]
    assert Client().get("/metrics").status_code == 404
    applicant = Client()
    applicant.force_login(UserFactory())
    assert applicant.get("/metrics").status_code == 404
    staff = UserFactory(is_staff=True)
    unverified = Client()
    unverified.force_login(staff)
    assert unverified.get("/metrics")["Location"].startswith("/accounts/2fa/")
    assert sign_in_verified(Client(), staff).get("/metrics").status_code == 200
    assert Client().get("/metrics", REMOTE_ADDR="10.2.3.4").status_code == 200


def test_requests_are_counted_by_view_and_status(monitoring):
    before = value(scrape(), "titles_http_requests_total", method="GET", view="healthz", status=200)
    for _ in range(3):
        Client().get("/healthz")
    Client().get("/no-such-page/")
    text = scrape()
    after = value(text, "titles_http_requests_total", method="GET", view="healthz", status=200)
    assert after - (before or 0) == 3
    assert value(text, "titles_http_requests_total", method="GET", view="unmatched", status=404)
    assert value(text, "titles_http_request_duration_seconds_count", view="healthz") >= 3


def test_overdue_deadlines_and_outbox_failures(monitoring):
    application = in_eligibility_review()
    deadline_track(
        obj=application,
        field="eligibility_due_at",
        start=timezone.localdate(),
        working_days=15,
        rule="eligibility_review",
    )
    OutboxEmail.objects.create(
        to_address="a@example.cn", language="en", subject="s", body="b", status="failed"
    )
    stuck = OutboxEmail.objects.create(
        to_address="b@example.cn", language="en", subject="s", body="b"
    )
    OutboxEmail.objects.filter(pk=stuck.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=11)
    )
    text = scrape()
    assert value(text, "titles_deadlines_overdue", rule="eligibility_review") is None
    assert value(text, "titles_outbox_emails", status="failed") == 1
    assert value(text, "titles_outbox_emails", status="pending") == 1
    assert value(text, "titles_outbox_emails_stuck") == 1
    with time_machine.travel(timezone.now() + timedelta(days=60)):
        later = scrape()
    assert value(later, "titles_deadlines_overdue", rule="eligibility_review") == 1


@needs_redis
def test_queue_length_workers_and_broker(monitoring):
    before = value(scrape(), "titles_queue_messages", queue="celery") or 0
    try:
        for _ in range(2):
            task_sweep_deadlines.delay()
        text = scrape()
    finally:
        with celery_app.connection_for_write() as conn:
            conn.default_channel.queue_purge("celery")
    assert value(text, "titles_queue_messages", queue="celery") == before + 2
    assert value(text, "titles_broker_up") == 1
    assert value(text, "titles_workers_alive") is not None
    assert value(text, "titles_beats_alive") is not None
