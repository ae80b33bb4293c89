import os
import socket
import uuid
from datetime import datetime
from urllib.parse import urlparse

import pytest
from django.conf import settings

# The suite must hold on any start date (docs/decisions.md, "Tests and the calendar"). To prove it,
# run it with the clock started elsewhere: ``./dev test --clock-start=2031-06-01T09:00+08:00`` (or
# ``TEST_CLOCK_START=...``). The clock then ticks on from there for the whole run; tests that move
# it themselves (time_machine.travel) nest inside and come back to it.
_session_clock = None


def pytest_addoption(parser):
    parser.addoption(
        "--clock-start",
        default=os.environ.get("TEST_CLOCK_START") or None,
        help="start the test run's clock at this ISO 8601 moment with a UTC offset "
        "(e.g. 2026-12-31T23:30+08:00); it ticks on from there",
    )


def clock_start_option(config) -> datetime | None:
    value = config.getoption("--clock-start")
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise pytest.UsageError("--clock-start needs a UTC offset, e.g. 2026-12-31T23:30+08:00")
    return moment


def pytest_configure(config):
    """Start the run's clock before collection, so module-level ``timezone.now()`` sees it too."""
    global _session_clock
    moment = clock_start_option(config)
    if moment is not None:
        import time_machine

        _session_clock = time_machine.travel(moment, tick=True)
        _session_clock.start()


def pytest_unconfigure(config):
    global _session_clock
    if _session_clock is not None:
        _session_clock.stop()
        _session_clock = None


def pytest_report_header(config):
    moment = clock_start_option(config)
    if moment is not None:
        return f"clock started at {moment.isoformat()} (--clock-start)"
    return None


def redis_answers() -> bool:
    """True when the configured Redis accepts a connection (CI makes sure it does)."""
    if not settings.REDIS_URL:
        return False
    url = urlparse(settings.REDIS_URL)
    try:
        with socket.create_connection((url.hostname, url.port or 6379), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_answers(), reason="Redis does not answer at REDIS_URL")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _send_limits_apart(settings):
    """Each test counts sign-ups and reset emails from zero (titles.send_limits): the counts
    live in the shared cache for an hour."""
    settings.SEND_LIMITS_KEY_PREFIX = f"send-limit-{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def _language_reset():
    """Each test starts in the site's default language: a request in another language (the test
    client runs in this thread) must not leak into the next test's rendering."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
