"""Issue #22: what cannot be undone is asked first, on a page saying what will happen. A post
without ``confirmed=1`` changes nothing and answers with that page; the page posts back."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.enums import ApplicationState, MaterialSlot
from applications.models import Application, InternalObjection, Material, ObjectionStatus
from tests.applications.factories import ApplicationFactory, pdf_bytes
from tests.applications.test_employer import member_of, open_notice, submitted

pytestmark = pytest.mark.django_db
S = ApplicationState
CONFIRM_INPUT = '<input type="hidden" name="confirmed" value="1">'


def test_declining_asks_first_then_declines(client):
    application, reviewer = submitted()
    client.force_login(reviewer)
    posted = {"reason": "不符合申报条件。", "version": application.version}
    asked = client.post(f"/applications/{application.pk}/decline/", posted)
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "将不予推荐，申报就此终止" in html and "不符合申报条件。" in html
    assert "不予推荐的申报不能恢复，申报人只能重新申报。" in html
    assert CONFIRM_INPUT in html and f'name="version" value="{application.version}"' in html
    assert Application.objects.get(pk=application.pk).state == S.EMPLOYER_REVIEW
    done = client.post(f"/applications/{application.pk}/decline/", {**posted, "confirmed": "1"})
    assert done.status_code == 302
    assert Application.objects.get(pk=application.pk).state == S.DECLINED


def test_declining_without_a_reason_is_refused_before_any_confirmation(client):
    application, reviewer = submitted()
    client.force_login(reviewer)
    response = client.post(
        f"/applications/{application.pk}/decline/", {"reason": "", "version": application.version}
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).state == S.EMPLOYER_REVIEW


def test_upholding_an_objection_asks_first_dismissing_does_not(client):
    application, reviewer = submitted()
    notice = open_notice(application, reviewer)
    objection = services.internal_objection_raise(
        notice=notice, actor=member_of(application.employer), real_name="王五", statement="造假。"
    )
    client.force_login(reviewer)
    url = f"/applications/{application.pk}/notice/objections/{objection.pk}/decide/"
    posted = {"decision": "uphold", "reason": "查实业绩材料不实。"}
    html = client.post(url, posted).content.decode()
    assert "异议成立后" in html and "查实业绩材料不实。" in html and CONFIRM_INPUT in html
    assert InternalObjection.objects.get().status == ObjectionStatus.OPEN
    client.post(url, {**posted, "confirmed": "1"})
    assert InternalObjection.objects.get().status == ObjectionStatus.UPHELD
    assert Application.objects.get(pk=application.pk).state == S.DECLINED


def test_removing_a_material_says_how_many_versions_go(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    for width in (595, 600):  # two different files: the same one again is refused
        client.post(
            f"/applications/{application.pk}/materials/upload/",
            {
                "slot": MaterialSlot.DEGREE_CERTIFICATE,
                "file": SimpleUploadedFile("学位.pdf", pdf_bytes(width), "application/pdf"),
            },
        )
    material = Material.objects.get()
    url = f"/applications/{application.pk}/materials/{material.pk}/delete/"
    html = client.post(url).content.decode()
    assert "及其已上传的全部2个版本将被删除" in html and CONFIRM_INPUT in html
    assert Material.objects.filter(pk=material.pk).exists()
    assert client.post(url, {"confirmed": "1"}).status_code == 302
    assert not Material.objects.filter(pk=material.pk).exists()
