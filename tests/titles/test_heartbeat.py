"""Heartbeats of the workers and beat, and the container healthchecks that read them."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker

from tests.conftest import needs_redis
from titles.celery import HeartbeatScheduler
from titles.celery import app as celery_app
from titles.healthcheck import site_host
from titles.heartbeat import heartbeat_forget, heartbeat_write, heartbeats_alive, node_name

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["redis", "files"])
def store(request, settings, tmp_path):
    if request.param == "files":
        settings.REDIS_URL = ""
        settings.DATA_DIR = tmp_path
    elif not settings.REDIS_URL:
        pytest.skip("no Redis")
    return request.param


def test_a_heartbeat_is_alive_until_stale_or_forgotten(store):
    heartbeat_write("worker", "w1@test-host")
    heartbeat_write("worker", "w2@test-host")
    alive = heartbeats_alive("worker")
    assert {"w1@test-host", "w2@test-host"} <= set(alive)
    assert all(0 <= alive[name] < 5 for name in ("w1@test-host", "w2@test-host"))
    heartbeat_forget("worker", "w2@test-host")
    assert "w2@test-host" not in heartbeats_alive("worker")
    time.sleep(0.3)
    assert "w1@test-host" not in heartbeats_alive("worker", within=0.2)
    assert "w1@test-host" in heartbeats_alive("worker")
    assert "w1@test-host" not in heartbeats_alive("beat")
    heartbeat_forget("worker", "w1@test-host")


def test_a_broker_that_is_down_stops_nothing(settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    heartbeat_write("worker", "w@down")  # logged, not raised
    heartbeat_forget("worker", "w@down")
    with pytest.raises(Exception, match=r"(?i)connect"):
        heartbeats_alive("worker")


def test_beat_writes_its_heartbeat_when_it_ticks(store, tmp_path):
    scheduler = HeartbeatScheduler(app=celery_app, schedule_filename=str(tmp_path / "schedule"))
    try:
        assert scheduler.tick() <= 10
        assert node_name("beat") in heartbeats_alive("beat")
    finally:
        scheduler.close()
    assert node_name("beat") not in heartbeats_alive("beat")


def healthcheck(role: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "titles.healthcheck", role],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "titles.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_the_worker_healthcheck_reads_its_own_heartbeat(settings):
    env = {"DATABASE_URL": os.environ["DATABASE_URL"], "REDIS_URL": settings.REDIS_URL}
    with start_worker(
        celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10, hostname="hc@box"
    ):
        healthy = healthcheck("worker", HEALTHCHECK_NODE="hc@box", **env)
        other = healthcheck("worker", HEALTHCHECK_NODE="gone@box", **env)
    assert (healthy.returncode, healthy.stdout.split(":")[0]) == (0, "healthy"), healthy.stderr
    assert other.returncode == 1
    assert other.stdout.startswith("unhealthy: gone@box: no heartbeat in the last minute")


def test_the_site_host_is_the_first_real_allowed_host():
    assert site_host("titles.example.cn,www.titles.example.cn") == "titles.example.cn"
    assert site_host(" *, .example.cn") == "example.cn"
    assert site_host("") == "localhost"


@pytest.mark.django_db
def test_the_web_healthcheck_passes_with_a_real_host_name(live_server, settings):
    settings.ALLOWED_HOSTS = ["titles.example.cn"]
    port = live_server.url.rsplit(":", 1)[1]
    result = healthcheck("web", PORT=port, ALLOWED_HOSTS="titles.example.cn")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith('healthy: {"status": ')
    # What the old healthcheck did (Host: localhost) is refused with these ALLOWED_HOSTS.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://localhost:{port}/healthz", timeout=5)
    assert refused.value.code == 400
