"""The foundation's Celery tasks, where Celery finds them. ``task_send_email`` is defined beside
the outbox service it runs (``titles.notifications``), which queues it."""

from celery import shared_task

from titles.notifications import task_send_email
from titles.sweep import sweep_run

__all__ = ["task_send_email", "task_sweep_deadlines"]


@shared_task(name="titles.tasks.task_sweep_deadlines")
def task_sweep_deadlines() -> dict:
    """The periodic deadline sweep; see :func:`titles.sweep.sweep_run`. Safe to run twice."""
    result = sweep_run()
    return {"ran": result.ran, "changes": result.changes}
