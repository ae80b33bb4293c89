"""What ``GET /healthz`` reports: the database, the broker and the workers.

Fast on every call: one ``SELECT 1``, one broker connection check and one read of the workers'
heartbeats (titles.heartbeat); the workers are never pinged and waited for.
"""

import logging

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


def health_report() -> dict:
    database = database_ok()
    broker = broker_ok()
    workers = workers_alive() if broker else 0
    return {
        "status": "ok" if database and broker and workers else ("degraded" if database else "down"),
        "database": database,
        "broker": broker,
        "workers": workers,
    }
