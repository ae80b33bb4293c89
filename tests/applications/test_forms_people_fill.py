"""Issue 22 (part B): the forms people fill, as the applicant meets them."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.enums import MaterialSlot, RecommenderKind
from applications.models import Application, MaterialVersion
from tests.applications.factories import (
    ApplicationFactory,
    add_material,
    add_recommender,
    pdf_bytes,
)
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


def test_the_check_step_shows_everything_with_links_and_the_pills_say_what_is_done(client):
    application = ApplicationFactory(category="international", work_achievements="")
    add_material(application, MaterialSlot.OVERSEAS_QUALIFICATION, "资格.pdf")
    add_recommender(application, RecommenderKind.EXPERT)
    client.force_login(application.applicant)
    html = client.get(f"/applications/{application.pk}/edit/submit/").content.decode()
    # Everything that will be submitted: personal details, the four texts, materials, people.
    assert application.applicant.email in html
    assert application.academic_proficiency[:20] in html
    assert "资格.pdf" in html and "第1版" in html
    assert application.recommenders.get().name in html
    # Each missing item links to the step that fixes it.
    edit = f"/applications/{application.pk}/edit/"
    assert re.search(
        rf'请描述您的工作业绩。?</?[^>]*>?\s*<a href="{edit}achievements/">', html
    ) or (f'<a href="{edit}achievements/">去填写</a>' in html)
    assert f'<a href="{edit}recommenders/">去填写</a>' in html
    # The pills: achievements and recommenders incomplete.
    pills = re.findall(r'<li class="([^"]*)">\s*<a href="[^"]*/edit/(\w+)/"', html)
    state = {slug: classes.split()[-1] if classes else "" for classes, slug in pills}
    assert state["achievements"] == "incomplete"
    assert state["recommenders"] == "incomplete"
    assert state["category"] == "done"


def _upload(client, application, content, title=""):
    return client.post(
        f"/applications/{application.pk}/materials/upload/",
        {
            "slot": MaterialSlot.DEGREE_CERTIFICATE,
            "file": SimpleUploadedFile("学位.pdf", content, "application/pdf"),
            "title": title,
        },
        follow=True,
    )


def test_an_identical_re_upload_is_refused_and_the_counting_version_is_marked(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    _upload(client, application, pdf_bytes(591), title="硕士学位证书")
    html = _upload(client, application, pdf_bytes(591)).content.decode()
    assert "相同的文件已上传" in html
    assert MaterialVersion.objects.filter(material__application=application).count() == 1
    html = _upload(client, application, pdf_bytes(592)).content.decode()
    assert MaterialVersion.objects.filter(material__application=application).count() == 2
    assert "硕士学位证书" in html  # the note typed at upload
    assert html.count("以此版本为准") == 1
    assert html.count("较早的版本，已被取代") == 1
    assert 'accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"' in html
    assert "data-checking=" in html
