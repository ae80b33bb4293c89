from celery import shared_task

from certificates.services import certificate_issue


@shared_task(name="certificates.tasks.task_issue_certificate")
def task_issue_certificate(*, application_id: int) -> str | None:
    """Issue the application's certificate (see :func:`certificates.services.certificate_issue`).

    Safe to run twice: the second run finds the certificate and returns its number.
    """
    certificate = certificate_issue(application_id=application_id)
    return certificate.number if certificate else None
