"""The certificates' Celery tasks, where Celery finds them: ``task_issue_certificate`` is defined
beside the service it runs (``certificates.services``), which queues it."""

from certificates.services import task_issue_certificate

__all__ = ["task_issue_certificate"]
