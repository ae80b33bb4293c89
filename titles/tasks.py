from celery import shared_task

from titles.notifications import OUTBOX_MAX_ATTEMPTS, OutboxSendOutcome, outbox_email_send
from titles.sweep import sweep_run


@shared_task(name="titles.tasks.task_sweep_deadlines")
def task_sweep_deadlines() -> dict:
    """The periodic deadline sweep; see :func:`titles.sweep.sweep_run`. Safe to run twice."""
    result = sweep_run()
    return {"ran": result.ran, "changes": result.changes}


@shared_task(bind=True, name="titles.tasks.task_send_email", max_retries=OUTBOX_MAX_ATTEMPTS)
def task_send_email(self, *, email_id: int) -> str:
    """Send one outbox email (see :func:`titles.notifications.outbox_email_send`).

    Safe to run twice: a row already sent, or being sent by another worker, is skipped. A failed
    attempt is retried with backoff until the service marks the email failed.
    """
    result = outbox_email_send(email_id=email_id)
    if result.outcome == OutboxSendOutcome.RETRY:
        raise self.retry(countdown=result.retry_in)
    return result.outcome.value
