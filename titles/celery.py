"""The Celery application; its configuration is in settings (``CELERY_*``).

Tasks are acknowledged late and rejected when a worker dies, so a task interrupted by a crash runs
again; every task is written to be safe to run twice. One periodic task, the deadline sweep, runs
every few minutes; deadlines live in ``*_due_at`` columns, never in tasks scheduled days ahead.
"""

import os
import time

from celery import Celery, bootsteps
from celery.beat import PersistentScheduler
from celery.signals import beat_init, task_postrun, task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "titles.settings")

app = Celery("titles")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class HeartbeatStep(bootsteps.StartStopStep):
    """The worker's heartbeat (titles.heartbeat), written on the worker's own timer, so a worker
    whose timer stops is no longer counted; removed at a clean stop."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.timer_entry = None

    def start(self, worker):
        from titles.heartbeat import HEARTBEAT_SECONDS, heartbeat_write  # noqa: PLC0415 — app ready: it reads the settings

        heartbeat_write("worker", worker.hostname)
        self.timer_entry = worker.timer.call_repeatedly(
            HEARTBEAT_SECONDS, heartbeat_write, ("worker", worker.hostname), priority=10
        )

    def stop(self, worker):
        from titles.heartbeat import heartbeat_forget  # noqa: PLC0415 — app ready: it reads the settings

        if self.timer_entry is not None:
            self.timer_entry.cancel()
            self.timer_entry = None
        heartbeat_forget("worker", worker.hostname)

    def terminate(self, worker):  # a cold stop: the same
        self.stop(worker)


app.steps["worker"].add(HeartbeatStep)


class HeartbeatScheduler(PersistentScheduler):
    """Celery's scheduler (the schedule kept in a file), plus beat's heartbeat at every tick:
    the tick is capped at the heartbeat interval, so a live beat is never older than that."""

    def __init__(self, *args, **kwargs):
        from titles.heartbeat import node_name  # noqa: PLC0415 — app ready: it reads the settings

        super().__init__(*args, **kwargs)
        self.heartbeat_name = node_name("beat")
        self.heartbeat_at = 0.0

    def tick(self, *args, **kwargs):
        from titles.heartbeat import HEARTBEAT_SECONDS, heartbeat_write  # noqa: PLC0415 — app ready: it reads the settings

        if time.monotonic() - self.heartbeat_at >= HEARTBEAT_SECONDS:
            heartbeat_write("beat", self.heartbeat_name)
            self.heartbeat_at = time.monotonic()
        return min(super().tick(*args, **kwargs), HEARTBEAT_SECONDS)

    def close(self):
        from titles.heartbeat import heartbeat_forget  # noqa: PLC0415 — app ready: it reads the settings

        super().close()
        heartbeat_forget("beat", self.heartbeat_name)


@task_prerun.connect
def _log_lines_carry_the_task_id(task_id=None, **kwargs) -> None:
    """In a task, the log lines' ``request_id`` is the task's id (titles.logs)."""
    from titles.logs import request_id_var  # noqa: PLC0415 — app ready: loaded once Django is set up

    request_id_var.set(task_id)


@task_postrun.connect
def _log_lines_leave_the_task(**kwargs) -> None:
    from titles.logs import request_id_var  # noqa: PLC0415 — app ready: loaded once Django is set up

    request_id_var.set(None)


@worker_init.connect
def _worker_refuses_development_keys(**kwargs) -> None:
    _refuse_start("Celery worker")


@beat_init.connect
def _beat_refuses_development_keys(**kwargs) -> None:
    _refuse_start("Celery beat")


def _refuse_start(process: str) -> None:
    """Without real keys in production, stop: Celery's signals swallow ordinary exceptions, so
    the refusal is a ``SystemExit`` (the reason is already on stderr)."""
    import django  # noqa: PLC0415 — app ready: Django is set up here
    from django.core.exceptions import ImproperlyConfigured  # noqa: PLC0415 — app ready: Django is set up here

    django.setup()
    from titles.checks import refuse_start_on_errors  # noqa: PLC0415 — app ready: needs the apps loaded just above

    try:
        refuse_start_on_errors(process)
    except ImproperlyConfigured:
        raise SystemExit(1) from None
