"""The printable application form (申报表, issue #23): read back from the PDF."""

import io

import pytest
from django.conf import settings
from pypdf import PdfReader

from applications.enums import ApplicationState, MaterialSlot, RecommenderKind
from tests.applications.factories import add_material, add_recommender, application_in
from tests.factories import UserFactory, sign_in_verified
from tests.review.factories import staff as agency_staff

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_agency_prints_the_submitted_form_with_materials_and_recommenders(client):
    application = application_in(
        ApplicationState.ELIGIBILITY_REVIEW,
        applicant=UserFactory(real_name="王小明"),
        work_achievements="主持国家重点研发计划项目",
    )
    add_material(application, MaterialSlot.IDENTITY_DOCUMENT, name="身份证.pdf")
    add_recommender(application, RecommenderKind.EXPERT)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    sign_in_verified(client, agency_staff())
    response = client.get(f"/applications/{application.pk}/form.pdf")
    text = text_of(response)
    assert application.reference in text
    assert "王小明" in text
    assert "主持国家重点研发计划项目" in text
    assert "身份证.pdf" in text
    assert "0" * 32 in text.replace(" ", "")  # the checksum
    assert f"v{application.version}" in text
    assert "未提交" not in text and "Preview" not in text


def test_the_applicant_previews_a_draft_in_english(client):
    application = application_in(ApplicationState.DRAFT)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_in_verified(client, application.applicant)
    text = text_of(client.get(f"/applications/{application.pk}/form.pdf"))
    assert "Preview: this application has not been submitted." in text
    assert "Application form for a senior professional title" in text


def test_nobody_else_prints_it(client):
    application = application_in(ApplicationState.ELIGIBILITY_REVIEW)
    client.force_login(UserFactory())
    assert client.get(f"/applications/{application.pk}/form.pdf").status_code == 404


def test_each_submission_can_be_printed_again_after_a_return(client):
    from applications import services
    from applications.models import Application, FormVersion, MaterialVersion
    from tests.applications.factories import complete_in
    from tests.applications.test_queues import reviewer_of

    application = complete_in(ApplicationState.DRAFT, work_achievements="第一版业绩")
    applicant = application.applicant
    services.application_submit(application=application, actor=applicant, declaration=True)
    reviewer = reviewer_of(application.employer)
    services.application_return(
        application=Application.objects.get(pk=application.pk), actor=reviewer, reason="请补充"
    )
    Application.objects.filter(pk=application.pk).update(work_achievements="第二版业绩")
    services.application_resubmit(
        application=Application.objects.get(pk=application.pk), actor=applicant, declaration=True
    )
    # One record per submission (issue #26: the form's version is also its printable form):
    # with the material versions and recommenders there were at that submission.
    materials = sorted(
        MaterialVersion.objects.filter(material__application=application).values_list(
            "pk", flat=True
        )
    )
    recommenders = sorted(
        application.recommenders.exclude(status="replaced").values_list("pk", flat=True)
    )
    assert materials and recommenders
    assert list(
        FormVersion.objects.filter(application=application)
        .order_by("number")
        .values_list("number", "material_versions", "recommenders")
    ) == [(1, materials, recommenders), (2, materials, recommenders)]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(reviewer)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert f"/applications/{application.pk}/form.pdf?submission=1" in page
    first = text_of(client.get(f"/applications/{application.pk}/form.pdf?submission=1"))
    assert "第一版业绩" in first and "第二版业绩" not in first
    now = text_of(client.get(f"/applications/{application.pk}/form.pdf"))
    assert "第二版业绩" in now
    assert client.get(f"/applications/{application.pk}/form.pdf?submission=3").status_code == 404
    assert client.get(f"/applications/{application.pk}/form.pdf?submission=x").status_code == 404
