import json

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection

from tests.conftest import needs_redis
from titles import health
from titles.celery import app as celery_app
from titles.heartbeat import heartbeats_alive


@pytest.fixture(autouse=True)
def _fresh_check():
    """Each test checks the broker and workers afresh (a process keeps the answer 15 s)."""
    health.background_status_forget()
    yield
    health.background_status_forget()


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
        health.background_status_forget()
        during = json.loads(client.get("/healthz").content)
    health.background_status_forget()
    after = json.loads(client.get("/healthz").content)["workers"]
    assert during == {"status": "ok", "database": True, "broker": True, "workers": before + 1}
    assert after == before  # a clean stop removes the heartbeat at once


@pytest.mark.django_db
def test_healthz_checks_the_broker_at_most_every_15_seconds(client, monkeypatch):
    calls = []
    monkeypatch.setattr(health, "broker_ok", lambda: calls.append(1) or True)
    monkeypatch.setattr(health, "workers_alive", lambda: 1)
    for _ in range(3):
        assert json.loads(client.get("/healthz").content)["workers"] == 1
    assert calls == [1]
    health._background["until"] = 0.0  # 15 s later
    client.get("/healthz")
    assert calls == [1, 1]


@pytest.mark.django_db
def test_the_status_page_reads_in_words(client, monkeypatch):
    monkeypatch.setattr(health, "broker_ok", lambda: True)
    monkeypatch.setattr(health, "workers_alive", lambda: 0)
    html = client.get("/status/").content.decode()
    assert "系统状态" in html and "数据库" in html and "正常" in html
    assert "后台任务" in html and "暂停" in html
    client.cookies["django_language"] = "en"
    html = client.get("/status/").content.decode()
    assert "Database" in html and "no worker is running" in html
    home = client.get("/").content.decode()
    assert 'href="/status/"' in home and 'href="/healthz"' not in home
