"""What ``GET /healthz`` reports: the database, the broker and the workers.

Fast on every call: one ``SELECT 1``; the broker connection check and the read of the workers'
heartbeats (titles.heartbeat) at most every ``BACKGROUND_CHECK_SECONDS`` per process; the workers
are never pinged and waited for.
"""

import logging
import time

from django.db import connection

from titles.celery import app as celery_app
from titles.heartbeat import heartbeats_alive

log = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "does not answer"
        connection.close_if_unusable_or_obsolete()
        return False


def broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def workers_alive() -> int:
    """How many workers wrote a heartbeat in the last minute (0 when that cannot be read)."""
    try:
        return len(heartbeats_alive("worker"))
    except Exception:
        log.warning("worker heartbeats cannot be read", exc_info=True)
        return 0


# The broker and workers are checked at most this often per process (issue 22: /healthz answers
# at once, and the readable status page beside it may be opened by anyone).
BACKGROUND_CHECK_SECONDS = 15
_background: dict = {"until": 0.0, "broker": False, "workers": 0}


def background_status() -> tuple[bool, int]:
    """The broker's answer and the live workers, from the last check if it is recent."""
    now = time.monotonic()
    if now >= _background["until"]:
        broker = broker_ok()
        _background.update(
            broker=broker,
            workers=workers_alive() if broker else 0,
            until=now + BACKGROUND_CHECK_SECONDS,
        )
    return _background["broker"], _background["workers"]


def background_status_forget() -> None:
    """Check again on the next call (tests)."""
    _background["until"] = 0.0


def health_report() -> dict:
    database = database_ok()
    broker, workers = background_status()
    return {
        "status": "ok" if database and broker and workers else ("degraded" if database else "down"),
        "database": database,
        "broker": broker,
        "workers": workers,
    }
