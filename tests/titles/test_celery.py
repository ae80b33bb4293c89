import pytest
from celery.contrib.testing.worker import start_worker

from tests.conftest import needs_redis
from titles import sweep
from titles.celery import app as celery_app
from titles.tasks import task_sweep_deadlines


@pytest.fixture
def sweeper_counting_calls():
    calls = []

    def count(now):
        calls.append(now)
        return []

    sweep._SWEEPERS.append(("test-count", count))
    yield calls
    sweep._SWEEPERS.remove(("test-count", count))


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_sweep_over_redis(sweeper_counting_calls):
    assert celery_app.conf.broker_url.startswith("redis://")
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = task_sweep_deadlines.delay()
        assert result.get(timeout=20) == {"ran": True, "changes": []}
    assert len(sweeper_counting_calls) == 1


def test_sweep_is_scheduled_periodically():
    schedule = celery_app.conf.beat_schedule["sweep-deadlines"]
    assert schedule["task"] == "titles.tasks.task_sweep_deadlines"
    assert 0 < schedule["schedule"] <= 600
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True
