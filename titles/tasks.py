"""The foundation's Celery tasks, where Celery finds them. ``task_send_email`` is defined beside
the outbox service it runs (``titles.notifications``), which queues it."""

from celery import current_app, shared_task
from django.db import transaction

from titles.notifications import task_send_email
from titles.sweep import sweep_run

__all__ = ["task_queue_on_commit", "task_send_email", "task_sweep_deadlines"]


def task_queue_on_commit(name: str, **kwargs) -> None:
    """Queue the task registered as ``name`` when the transaction commits (at once outside
    one). By name, so that a stage can start a higher stage's task without importing it (the
    bureau's confirmed issuance without notice starts the certificate's issuance)."""

    def queue() -> None:
        task = current_app.tasks.get(name)
        if task is not None:
            task.delay(**kwargs)  # honours task_always_eager
        else:
            current_app.send_task(name, kwargs=kwargs)

    transaction.on_commit(queue)


@shared_task(name="titles.tasks.task_sweep_deadlines")
def task_sweep_deadlines() -> dict:
    """The periodic deadline sweep; see :func:`titles.sweep.sweep_run`. Safe to run twice."""
    result = sweep_run()
    return {"ran": result.ran, "changes": result.changes}
