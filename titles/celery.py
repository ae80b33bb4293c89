"""The Celery application; its configuration is in settings (``CELERY_*``).

Tasks are acknowledged late and rejected when a worker dies, so a task interrupted by a crash runs
again; every task is written to be safe to run twice. One periodic task, the deadline sweep, runs
every few minutes; deadlines live in ``*_due_at`` columns, never in tasks scheduled days ahead.
"""

import os

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "titles.settings")

app = Celery("titles")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _worker_refuses_development_keys(**kwargs) -> None:
    _refuse_start("Celery worker")


@beat_init.connect
def _beat_refuses_development_keys(**kwargs) -> None:
    _refuse_start("Celery beat")


def _refuse_start(process: str) -> None:
    """Without real keys in production, stop: Celery's signals swallow ordinary exceptions, so
    the refusal is a ``SystemExit`` (the reason is already on stderr)."""
    import django
    from django.core.exceptions import ImproperlyConfigured

    django.setup()
    from titles.checks import refuse_start_on_errors  # needs the apps loaded just above

    try:
        refuse_start_on_errors(process)
    except ImproperlyConfigured:
        raise SystemExit(1) from None
