"""Issue #22: an issuance without notice, once confirmed by the second person, issues at once
(a task queued on commit), not at the next sweep; the application page follows the progress."""

import pytest

from applications.enums import ApplicationState
from applications.models import Application
from bureau import services
from certificates.models import Certificate
from tests.bureau.factories import approved, bureau_staff
from tests.factories import sign_in_verified
from titles.celery import app as celery_app

pytestmark = pytest.mark.django_db
S = ApplicationState


@pytest.fixture
def eager_celery():
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def test_confirming_queues_the_issuance_on_commit(
    client, django_capture_on_commit_callbacks, eager_celery
):
    proposer, second = bureau_staff(), bureau_staff()
    application = approved()
    issuance = services.special_issuance_propose(
        application=application, actor=proposer, reason="涉密人员，不宜公示。"
    )
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.special_issuance_confirm(issuance=issuance, actor=second)
    assert Application.objects.get(pk=application.pk).state == S.CERTIFYING
    # Before the task runs, the page says the certificate is being issued and follows it.
    sign_in_verified(client, second)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    progress = f"/certificates/applications/{application.pk}/progress/"
    assert f'data-url="{progress}"' in page and 'data-reload="1"' in page
    assert client.get(progress).json() == {"issued": 0, "total": 1, "done": False}
    for callback in queued:
        callback()
    assert Application.objects.get(pk=application.pk).state == S.CERTIFIED
    assert Certificate.objects.filter(application=application).exists()
    assert client.get(progress).json() == {"issued": 1, "total": 1, "done": True}
