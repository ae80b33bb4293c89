import json

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from tests.conftest import needs_redis
from titles.celery import app as celery_app
from titles.heartbeat import heartbeats_alive


@pytest.fixture
def broker_down():
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    yield
    celery_app.conf.broker_url = original


@needs_redis
@pytest.mark.django_db
def test_healthz_with_broker_up_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["database"] is True
    assert body["broker"] is True
    assert isinstance(body["workers"], int)


@pytest.mark.django_db
def test_healthz_with_broker_down_is_degraded_not_down(client, broker_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "degraded",
        "database": True,
        "broker": False,
        "workers": 0,
    }


@pytest.mark.django_db(transaction=True)
def test_healthz_without_database_answers_503(client, broker_down):
    connection.close()
    settings_dict = connection.settings_dict
    saved = settings_dict["HOST"], settings_dict["PORT"]
    settings_dict["HOST"], settings_dict["PORT"] = "127.0.0.1", "1"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        settings_dict["HOST"], settings_dict["PORT"] = saved
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "down",
        "database": False,
        "broker": False,
        "workers": 0,
    }


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_healthz_counts_workers_by_heartbeat_without_pinging_them(client, monkeypatch):
    def no_ping(*args, **kwargs):
        raise AssertionError("/healthz must not ping the workers")

    monkeypatch.setattr(celery_app.control, "ping", no_ping)
    before = json.loads(client.get("/healthz").content)["workers"]
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10, hostname="hb@test"
    ):
        assert "hb@test" in heartbeats_alive("worker")
        during = json.loads(client.get("/healthz").content)
    after = json.loads(client.get("/healthz").content)["workers"]
    assert during == {"status": "ok", "database": True, "broker": True, "workers": before + 1}
    assert after == before  # a clean stop removes the heartbeat at once
