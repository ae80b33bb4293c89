"""What ``GET /healthz`` reports: the database, the broker and the workers."""

from django.db import connection

from titles.celery import app as celery_app


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


def workers_answering(timeout: float = 1.0) -> int:
    """How many workers answered a ping within ``timeout`` seconds."""
    try:
        return len(celery_app.control.ping(timeout=timeout) or [])
    except Exception:
        return 0


def health_report() -> dict:
    database = database_ok()
    broker = broker_ok()
    workers = workers_answering() if broker else 0
    return {
        "status": "ok" if database and broker and workers else ("degraded" if database else "down"),
        "database": database,
        "broker": broker,
        "workers": workers,
    }
