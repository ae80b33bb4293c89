"""Issue 22 (part B): the forms people fill, as the applicant meets them."""

import re

import pytest

from applications.models import Application
from tests.applications.factories import ApplicationFactory
from titles.models import Discipline

pytestmark = pytest.mark.django_db


def test_a_wrong_check_digit_is_reported_with_the_other_errors(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    response = client.post(
        f"/applications/{application.pk}/edit/personal/",
        {
            "version": application.version,
            "real_name": "新名字",
            "phone": "12",  # also wrong
            "email": application.applicant.email,
            "id_number": "110105198001011234",
            "title_series": application.title_series_id,
            "discipline": application.discipline_id,
            "level": "full_senior",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "校验" in html  # the check digit ...
    assert "请输入11位大陆手机号码" in html or "11" in html  # ... and the phone, in one round
    assert html.count('class="error"') == 2


def test_dropdowns_have_a_prompt_and_disciplines_name_their_series(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    html = client.get(f"/applications/{application.pk}/edit/personal/").content.decode()
    assert "---------" not in html
    assert "请选择职称系列" in html
    assert 'data-follows="title_series"' in html
    discipline = Discipline.objects.get(pk=application.discipline_id)
    assert re.search(
        rf'data-series="{discipline.series_id}"[^>]*value="{discipline.pk}"'
        rf'|value="{discipline.pk}"[^>]*data-series="{discipline.series_id}"',
        html,
    )


def test_achievements_can_be_saved_half_written(client):
    application = ApplicationFactory(
        academic_proficiency="", professional_competence="", work_achievements=""
    )
    client.force_login(application.applicant)
    response = client.post(
        f"/applications/{application.pk}/edit/achievements/",
        {
            "version": application.version,
            "academic_proficiency": "写了一半",
            "professional_competence": "",
            "work_achievements": "",
            "performance_contributions": "",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get(pk=application.pk)
    assert application.academic_proficiency == "写了一半"
    assert application.professional_competence == ""
    html = client.get(f"/applications/{application.pk}/edit/achievements/").content.decode()
    assert 'maxlength="5000"' in html
    assert "js/forms.js" in html
