import pytest
from celery.contrib.testing.worker import start_worker

from applications.enums import ApplicationState
from applications.models import Application
from certificates.models import Certificate
from certificates.tasks import task_issue_certificate
from tests.certificates.factories import certifying
from tests.conftest import needs_redis
from titles.celery import app as celery_app


@needs_redis
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_issues_a_certificate_over_redis():
    application = certifying(real_name="苏轼")
    assert celery_app.conf.broker_url.startswith("redis://")
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        number = task_issue_certificate.delay(application_id=application.pk).get(timeout=60)
        again = task_issue_certificate.delay(application_id=application.pk).get(timeout=60)
    certificate = Certificate.objects.get(application=application)
    assert number == again == certificate.number
    assert Application.objects.get(pk=application.pk).state == ApplicationState.CERTIFIED


def test_issue_task_is_registered_under_its_name():
    assert "certificates.tasks.task_issue_certificate" in celery_app.tasks
