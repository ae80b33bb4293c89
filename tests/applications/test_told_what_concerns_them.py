"""Issue #22: a returned applicant reads the reasons at the top of the application and on every
step; the status lines speak to the applicant, and about them to everyone else."""

import pytest

from applications import services
from applications.views import STEP_SLUGS
from tests.applications.test_employer import submitted

pytestmark = pytest.mark.django_db
REASONS = "请补充近五年的代表性论文。"


def test_a_returned_applicant_reads_the_reasons_at_the_top_and_on_every_step(client):
    application, reviewer = submitted()
    services.application_return(application=application, actor=reviewer, reason=REASONS)
    client.force_login(application.applicant)
    html = client.get(f"/applications/{application.pk}/").content.decode()
    top = html.split('class="panel status-panel"', 1)[1].split("</section>", 1)[0]
    assert REASONS in top
    for step in STEP_SLUGS:
        page = client.get(f"/applications/{application.pk}/edit/{step}/")
        assert page.status_code == 200, step
        assert REASONS in page.content.decode().split("return-reason", 1)[1], step


def test_the_status_line_speaks_to_the_applicant_and_about_them_to_the_reviewer(client):
    application, reviewer = submitted()
    client.cookies["django_language"] = "en"
    client.force_login(application.applicant)
    own = client.get(f"/applications/{application.pk}/").content.decode()
    assert "Your employer reviews the application." in own
    client.force_login(reviewer)
    staff = client.get(f"/applications/{application.pk}/").content.decode()
    assert "Your employer" not in staff
    assert "The employer reviews the application." in staff
    services.application_return(application=application, actor=reviewer, reason=REASONS)
    client.cookies["django_language"] = "zh-hans"
    staff = client.get(f"/applications/{application.pk}/").content.decode()
    assert "申报人按要求修改后重新提交。" in staff and "您本人" not in staff
    client.force_login(application.applicant)
    own = client.get(f"/applications/{application.pk}/").content.decode()
    assert "请按要求修改后重新提交。" in own and "您本人" in own
