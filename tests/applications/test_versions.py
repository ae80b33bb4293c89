"""Rule 9: the form is kept as submitted, one version per submission; reviewers see what
changed since the last submission and each stage the version it decided on."""

import pytest
from django.test import Client

from applications import services
from applications.enums import ApplicationState
from applications.models import Application, FormVersion
from tests.applications.factories import complete_application
from tests.applications.test_services import reviewer_for
from tests.factories import sign_in_verified

pytestmark = pytest.mark.django_db
S = ApplicationState


def submitted_then_returned_and_resubmitted():
    application = complete_application()
    services.application_submit(
        application=application, actor=application.applicant, declaration=True
    )
    reviewer = reviewer_for(application)
    services.application_return(
        application=Application.objects.get(pk=application.pk),
        actor=reviewer,
        reason="请补充业绩数据",
    )
    services.application_update(
        application=Application.objects.get(pk=application.pk),
        actor=application.applicant,
        work_achievements="产品服务两千万用户。",
        department="研究院",
    )
    services.application_resubmit(
        application=Application.objects.get(pk=application.pk),
        actor=application.applicant,
        declaration=True,
    )
    return Application.objects.get(pk=application.pk), reviewer


def test_each_submission_keeps_a_version_and_a_resubmission_does_not_overwrite_it():
    application, _reviewer = submitted_then_returned_and_resubmitted()
    first, second = FormVersion.objects.filter(application=application).order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert first.data["work_achievements"] != "产品服务两千万用户。"
    assert second.data["work_achievements"] == "产品服务两千万用户。"
    assert (first.data["department"], second.data["department"]) != ("研究院", "研究院")
    assert second.data["title_series"]["id"] == application.title_series_id
    assert first.submitted_by_id == application.applicant_id


def test_the_reviewer_sees_what_changed_and_the_version_each_decision_was_on():
    application, reviewer = submitted_then_returned_and_resubmitted()
    first = FormVersion.objects.get(application=application, number=1)
    client = sign_in_verified(Client(), reviewer)
    client.cookies["django_language"] = "en"
    html = client.get(f"/applications/{application.pk}/").content.decode()
    section = html.split('class="panel form-versions"', 1)[1].split("</section>", 1)[0]
    assert "Changed in version 2 since the previous submission" in section
    changes = section.split('<table class="form-changes">', 1)[1].split("</table>", 1)[0]
    assert changes.count('<tr><th scope="row">') == 2
    assert first.data["work_achievements"] in changes and "产品服务两千万用户。" in changes
    decisions = section.split('<ul class="version-decisions">', 1)[1].split("</ul>", 1)[0]
    assert decisions.count("<li>") == 1
    assert "version 1</li>" in decisions
