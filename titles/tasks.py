from celery import shared_task

from titles.sweep import sweep_run


@shared_task(name="titles.tasks.task_sweep_deadlines")
def task_sweep_deadlines() -> dict:
    """The periodic deadline sweep; see :func:`titles.sweep.sweep_run`. Safe to run twice."""
    result = sweep_run()
    return {"ran": result.ran, "changes": result.changes}
