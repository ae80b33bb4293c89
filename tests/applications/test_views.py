import hashlib
from datetime import timedelta
from urllib.parse import quote

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from applications.enums import ApplicationState, MaterialSlot, RecommenderKind, RecommenderStatus
from applications.models import Application, MaterialVersion
from applications.services import recommender_token
from tests.applications import upload_files
from tests.applications.factories import (
    ApplicationFactory,
    add_material,
    add_recommender,
    complete_application,
    pdf_bytes,
)
from tests.factories import UserFactory
from titles.enums import Role
from titles.people import role_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted():
    application = complete_application(employer_review=True)
    application.materials.first().versions.update(original_name="学位证书（扫描件）.pdf")
    return application


def as_user(client, user):
    client.force_login(user)
    return client


def urls_of(application):
    version = MaterialVersion.objects.filter(material__application=application).first()
    return [
        f"/applications/{application.pk}/",
        f"/applications/{application.pk}/files/{version.pk}/",
    ]


def test_outsiders_get_404_on_the_application_and_every_file(client, submitted):
    other_applicant = UserFactory(roles=[Role.APPLICANT])
    unrelated_employer_reviewer = UserFactory()
    other_employer = ApplicationFactory().employer
    role_grant(
        user=unrelated_employer_reviewer,
        role=Role.EMPLOYER_REVIEWER,
        organization=other_employer,
        actor=None,
    )
    other_application = ApplicationFactory()
    recommender_elsewhere = add_recommender(other_application, RecommenderKind.EXPERT)
    version_ids = MaterialVersion.objects.filter(material__application=submitted).values_list(
        "pk", flat=True
    )
    for outsider in (other_applicant, unrelated_employer_reviewer):
        as_user(client, outsider)
        assert client.get(f"/applications/{submitted.pk}/").status_code == 404
        for version_id in version_ids:
            assert (
                client.get(f"/applications/{submitted.pk}/files/{version_id}/").status_code == 404
            )
    client.logout()
    # The recommender of another application: their link shows only that application.
    response = client.get(f"/recommend/{recommender_token(recommender_elsewhere)}/")
    assert response.status_code == 200
    assert submitted.applicant.display_name not in response.content.decode()
    for version_id in version_ids:
        assert client.get(f"/applications/{submitted.pk}/files/{version_id}/").status_code == 302
    # Signed in with the address they were invited at, they still see nothing of this one.
    as_user(client, UserFactory(email=recommender_elsewhere.email))
    assert client.get(f"/applications/{submitted.pk}/").status_code == 404
    for version_id in version_ids:
        assert client.get(f"/applications/{submitted.pk}/files/{version_id}/").status_code == 404


def _code_from_outbox(recommender) -> str:
    from titles.models import OutboxEmail

    body = OutboxEmail.objects.filter(to_address=recommender.email).latest("id").body
    return next(w for w in body.replace("：", " ").split() if w.isdigit() and len(w) == 6)


def test_a_forwarded_recommender_link_asks_another_browser_for_a_new_code():
    """Issue #27: once the recommender entered the code, the link alone opened and sent the form
    in any browser. Now the confirmation is the browser session's: a second browser sees the
    code form and nothing of the application, and cannot send a recommendation."""
    application = ApplicationFactory(academic_proficiency="发表论文二十篇，主持国家重点项目。")
    recommender = add_recommender(application, RecommenderKind.EXPERT, responded=False)
    url = f"/recommend/{recommender_token(recommender)}/"
    recommender_browser, forwarded_to = Client(), Client()
    recommender_browser.post(url, {"action": "send_code"})
    recommender_browser.post(url, {"action": "verify", "code": _code_from_outbox(recommender)})
    page = recommender_browser.get(url).content.decode()
    assert "发表论文二十篇" in page and 'value="respond"' in page

    other = forwarded_to.get(url).content.decode()
    assert "发表论文二十篇" not in other and 'value="respond"' not in other
    assert 'value="verify"' in other
    assert "您已在其他浏览器中确认身份，或确认已过期" in other
    answer = {
        "action": "respond",
        "senior_title": "教授",
        "senior_title_level": "full_senior",
        "title_certificate_number": "ZG-9",
        "field": "人工智能",
        "opinion": "伪造的推荐意见。",
    }
    refused = forwarded_to.post(url, answer, follow=True).content.decode()
    assert "请先在本浏览器中使用新的邮件验证码确认身份" in refused
    recommender.refresh_from_db()
    assert (recommender.status, recommender.opinion) == (RecommenderStatus.VERIFIED, "")

    # The second browser's own code confirms it, and the first one must ask again.
    forwarded_to.post(url, {"action": "send_code"})
    forwarded_to.post(url, {"action": "verify", "code": _code_from_outbox(recommender)})
    assert 'value="respond"' not in recommender_browser.get(url).content.decode()
    assert forwarded_to.post(url, answer).status_code == 302
    recommender.refresh_from_db()
    assert (recommender.status, recommender.opinion) == (
        RecommenderStatus.RESPONDED,
        "伪造的推荐意见。",
    )


def test_a_recommender_confirmation_expires_in_the_browser_too():
    application = ApplicationFactory()
    recommender = add_recommender(application, RecommenderKind.EXPERT, responded=False)
    url = f"/recommend/{recommender_token(recommender)}/"
    browser = Client()
    browser.post(url, {"action": "send_code"})
    browser.post(url, {"action": "verify", "code": _code_from_outbox(recommender)})
    recommender.refresh_from_db()
    assert 'value="respond"' in browser.get(url).content.decode()
    with time_machine.travel(recommender.verified_at + timedelta(hours=2), tick=False):
        page = browser.get(url).content.decode()
    assert 'value="respond"' not in page and 'value="verify"' in page


def test_the_applicant_and_their_employer_reviewer_see_it(client, submitted):
    reviewer = UserFactory()
    role_grant(
        user=reviewer, role=Role.EMPLOYER_REVIEWER, organization=submitted.employer, actor=None
    )
    for user in (submitted.applicant, reviewer):
        as_user(client, user)
        for url in urls_of(submitted):
            assert client.get(url).status_code == 200


def test_chinese_file_name_is_downloaded_intact(client, submitted):
    as_user(client, submitted.applicant)
    version = MaterialVersion.objects.get(original_name="学位证书（扫描件）.pdf")
    response = client.get(f"/applications/{submitted.pk}/files/{version.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{quote('学位证书（扫描件）.pdf')}"
    )
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_a_draft_is_invisible_to_the_employer(client):
    application = complete_application()
    reviewer = UserFactory()
    role_grant(
        user=reviewer, role=Role.EMPLOYER_REVIEWER, organization=application.employer, actor=None
    )
    as_user(client, reviewer)
    assert client.get(f"/applications/{application.pk}/").status_code == 404


def test_upload_refused_stores_nothing_and_says_why(client, settings, tmp_path):
    application = ApplicationFactory()
    as_user(client, application.applicant)
    html = SimpleUploadedFile(
        "degree.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", "application/pdf"
    )
    response = client.post(
        f"/applications/{application.pk}/materials/upload/",
        {"slot": MaterialSlot.DEGREE_CERTIFICATE, "file": html},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert response.json()["error"]
    assert not MaterialVersion.objects.exists()
    media = settings.MEDIA_ROOT
    assert not any(p.is_file() for p in media.rglob("*")) if media.exists() else True


def test_upload_accepted_then_new_version(client):
    application = ApplicationFactory()
    as_user(client, application.applicant)
    for expected_version in (1, 2):
        response = client.post(
            f"/applications/{application.pk}/materials/upload/",
            {
                "slot": MaterialSlot.DEGREE_CERTIFICATE,
                "file": SimpleUploadedFile(
                    "学位.pdf", pdf_bytes(590 + expected_version), "application/pdf"
                ),
            },
        )
        assert response.status_code == 302
        version = MaterialVersion.objects.latest("id")
        assert (version.number, version.original_name, version.kind) == (
            expected_version,
            "学位.pdf",
            "pdf",
        )
        assert version.file.name != "学位.pdf" and "学位" not in version.file.name
    assert application.materials.count() == 1


def test_upload_stores_an_image_encoded_again_without_the_script(client):
    """Issue #27: a PNG with a script after its end chunk and another in a tEXt chunk is
    stored as its pixels only; the version's size and digest are those of the stored file."""
    application = ApplicationFactory()
    as_user(client, application.applicant)
    data = upload_files.png_with_text_chunk() + upload_files.SCRIPT
    response = client.post(
        f"/applications/{application.pk}/materials/upload/",
        {
            "slot": MaterialSlot.IDENTITY_DOCUMENT,
            "file": SimpleUploadedFile("身份证.png", data, "image/png"),
        },
    )
    assert response.status_code == 302
    version = MaterialVersion.objects.get()
    with version.file.open("rb") as stored:
        content = stored.read()
    assert upload_files.SCRIPT not in content and b"tEXt" not in content
    assert (version.kind, version.size, version.sha256) == (
        "png",
        len(content),
        hashlib.sha256(content).hexdigest(),
    )


def test_upload_of_a_pdf_with_an_outside_action_is_refused_in_the_users_language(client):
    application = ApplicationFactory()
    as_user(client, application.applicant)
    response = client.post(
        f"/applications/{application.pk}/materials/upload/",
        {
            "slot": MaterialSlot.DEGREE_CERTIFICATE,
            "file": SimpleUploadedFile(
                "学位.pdf", upload_files.pdf_open_action_gotor_unc(), "application/pdf"
            ),
        },
        HTTP_X_REQUESTED_WITH="fetch",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert response.json()["error"] == (
        "该 PDF 文件含有打开其他文件、发送或获取数据、或执行 PDF 阅读器命令的操作，不予接受。"
        "请将其打印为新的 PDF 文件后上传。"
    )
    assert not MaterialVersion.objects.exists()


def test_guided_steps_save_a_draft(client):
    application = ApplicationFactory(category="", employer=None)
    as_user(client, application.applicant)
    response = client.get(f"/applications/{application.pk}/edit/category/")
    assert response.status_code == 200
    assert "类别" in response.content.decode()
    response = client.post(
        f"/applications/{application.pk}/edit/category/",
        {"version": application.version, "category": "international", "is_freelancer": "on"},
    )
    assert response.status_code == 200  # a freelancer must name a body and a district
    assert "自由职业者需选择" in response.content.decode()
    application = Application.objects.get(pk=application.pk)
    assert application.category == ""


def test_submit_button_is_disabled_until_complete(client):
    application = ApplicationFactory()
    as_user(client, application.applicant)
    html = client.get(f"/applications/{application.pk}/edit/submit/").content.decode()
    assert 'disabled aria-disabled="true"' in html
    complete = complete_application()
    as_user(client, complete.applicant)
    html = client.get(f"/applications/{complete.pk}/edit/submit/").content.decode()
    assert 'disabled aria-disabled="true"' not in html


def test_withdraw_needs_confirmation(client):
    application = ApplicationFactory()
    as_user(client, application.applicant)
    response = client.post(
        f"/applications/{application.pk}/withdraw/", {"version": application.version}
    )
    assert response.status_code == 200
    application = Application.objects.get(pk=application.pk)
    assert application.state == ApplicationState.DRAFT
    response = client.post(
        f"/applications/{application.pk}/withdraw/",
        {"version": application.version, "confirm": "on"},
    )
    assert response.status_code == 302
    application = Application.objects.get(pk=application.pk)
    assert application.state == ApplicationState.WITHDRAWN


def test_stale_page_gets_changed_meanwhile_message(client):
    application = complete_application()
    as_user(client, application.applicant)
    response = client.post(
        f"/applications/{application.pk}/edit/submit/",
        {"version": application.version - 1, "declaration": "on"},
        follow=True,
    )
    assert "已被他人修改" in response.content.decode()
    application = Application.objects.get(pk=application.pk)
    assert application.state == ApplicationState.DRAFT


def test_materials_page_lists_slots_for_the_category(client):
    application = ApplicationFactory(category="international")
    add_material(application, MaterialSlot.OVERSEAS_QUALIFICATION, "资格.pdf")
    as_user(client, application.applicant)
    html = client.get(f"/applications/{application.pk}/edit/materials/").content.decode()
    assert "境外职业资格证书" in html
    assert "资格.pdf" in html
    assert "高层次人才计划入选证明" not in html


def test_a_bad_id_number_is_explained_and_changes_nothing(client):
    application = ApplicationFactory()
    applicant = application.applicant
    as_user(client, applicant)
    response = client.post(
        f"/applications/{application.pk}/edit/personal/",
        {
            "version": application.version,
            "real_name": "新名字",
            "phone": "13800138000",
            "email": applicant.email,
            "id_number": "110105198001011234",
            "title_series": application.title_series_id,
            "discipline": application.discipline_id,
            "level": "full_senior",
        },
    )
    assert response.status_code == 200
    assert "校验" in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.real_name != "新名字"
    assert applicant.phone == ""


def test_a_freelancer_names_the_hr_bureau_of_the_district_they_reside_in(client):
    """Issue #20 (rule 12): the district of residence is one of the sixteen, and a district HR
    bureau recommends only those residing in its district; associations are bound to none."""
    from tests.factories import OrganizationFactory

    haidian = OrganizationFactory(district_hr_bureau=True, name="海淀区人力资源和社会保障局")
    association = OrganizationFactory(industry_association=True)
    application = ApplicationFactory(category="", employer=None)
    as_user(client, application.applicant)
    page = client.get(f"/applications/{application.pk}/edit/category/").content.decode()
    assert '<option value="chaoyang">朝阳区</option>' in page
    response = client.post(
        f"/applications/{application.pk}/edit/category/",
        {
            "version": application.version,
            "category": "other",
            "is_freelancer": "on",
            "recommending_body": haidian.pk,
            "district": "chaoyang",
        },
    )
    assert response.status_code == 200
    assert (
        "海淀区人力资源和社会保障局只为居住在海淀区的自由职业者推荐：请选择居住地所在区的人力资源"
        "社会保障部门，或行业协会、学会。" in response.content.decode()
    )
    assert Application.objects.get(pk=application.pk).recommending_body_id is None
    for body, district in ((haidian, "haidian"), (association, "chaoyang")):
        version = Application.objects.get(pk=application.pk).version
        client.post(
            f"/applications/{application.pk}/edit/category/",
            {
                "version": version,
                "category": "other",
                "is_freelancer": "on",
                "recommending_body": body.pk,
                "district": district,
            },
        )
        saved = Application.objects.get(pk=application.pk)
        assert (saved.recommending_body_id, saved.district) == (body.pk, district)
