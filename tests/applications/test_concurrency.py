import threading

import pytest
from django.db import connection

from applications import services
from applications.enums import ApplicationState
from applications.errors import ChangedMeanwhile
from applications.models import Application
from tests.applications.factories import complete_application
from tests.factories import UserFactory
from titles.enums import Role
from titles.models import AuditEvent
from titles.people import role_grant


def race(*actions):
    """Run the actions at the same moment in threads; return each one's result or exception."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except Exception as error:  # collected for the assertions
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_acting_at_once_one_wins_the_other_is_told():
    application = complete_application()
    services.application_submit(
        application=application, actor=application.applicant, declaration=True
    )
    application = Application.objects.get(pk=application.pk)
    first, second = UserFactory(), UserFactory()
    for reviewer in (first, second):
        role_grant(
            user=reviewer,
            role=Role.EMPLOYER_REVIEWER,
            organization=application.employer,
            actor=None,
        )
    version = application.version
    results = race(
        lambda: services.application_return(
            application=application, actor=first, reason="请补充", expected_version=version
        ),
        lambda: services.application_decline(
            application=application, actor=second, reason="不符合", expected_version=version
        ),
    )
    winners = [r for r in results if isinstance(r, Application)]
    losers = [r for r in results if isinstance(r, ChangedMeanwhile)]
    assert (len(winners), len(losers)) == (1, 1)
    final = Application.objects.get(pk=application.pk)
    assert final.state == winners[0].state
    assert final.state in (ApplicationState.RETURNED, ApplicationState.DECLINED)
    assert final.version == version + 1
    assert (
        AuditEvent.objects.filter(
            object_type="applications.application",
            object_id=str(application.pk),
            action__in=["application.return_to_applicant", "application.decline"],
        ).count()
        == 1
    )


@pytest.mark.django_db(transaction=True)
def test_the_applicant_withdrawing_while_the_reviewer_opens_the_notice():
    application = complete_application()
    services.application_submit(
        application=application, actor=application.applicant, declaration=True
    )
    application = Application.objects.get(pk=application.pk)
    reviewer = UserFactory()
    role_grant(
        user=reviewer, role=Role.EMPLOYER_REVIEWER, organization=application.employer, actor=None
    )
    version = application.version
    results = race(
        lambda: services.application_withdraw(
            application=application, actor=application.applicant, expected_version=version
        ),
        lambda: services.internal_notice_open(
            application=application, actor=reviewer, text="公示", expected_version=version
        ),
    )
    assert sum(isinstance(r, ChangedMeanwhile) for r in results) == 1
    assert sum(not isinstance(r, Exception) for r in results) == 1
