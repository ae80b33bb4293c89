"""A supplement round in the browser: the agency requests, the applicant answers, it accepts."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications.enums import ApplicationState, MaterialSlot
from applications.models import Application
from tests.applications.factories import complete_application, organization, pdf_bytes
from tests.browser import chromium, orm, sign_in
from tests.factories import UserFactory
from titles.enums import OrganizationKind, Role
from titles.people import role_grant

pytestmark = pytest.mark.browser


def submit(page, form_selector: str) -> None:
    page.locator(f"{form_selector} button[type=submit]").first.click()
    page.wait_for_load_state()


def current_key(user_id: int) -> bytes:
    return TOTPDevice.objects.get(user_id=user_id).bin_key


@pytest.mark.django_db(transaction=True)
def test_request_answer_accept(live_server, tmp_path):
    application = complete_application(eligibility_review=True)
    applicant = application.applicant
    applicant.username = "zhangming"
    applicant.save(update_fields=["username"])
    staff = UserFactory(username="wangfang", real_name="王芳")
    role_grant(
        user=staff,
        role=Role.AGENCY_STAFF,
        organization=organization(OrganizationKind.EVALUATION_AGENCY),
        actor=None,
    )
    TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    evidence = tmp_path / "学位证书（补正）.pdf"
    evidence.write_bytes(pdf_bytes())
    url = live_server.url
    detail = f"{url}/applications/{application.pk}/"

    with chromium() as browser:
        agency = browser.new_context(locale="zh-CN").new_page()
        sign_in(agency, url, "wangfang", orm(current_key, staff.pk))
        agency.goto(url + "/agency/")
        agency.locator(f"a[href='/applications/{application.pk}/']").click()
        agency.fill("#id_extra_1", "请补充学位证书原件扫描件")
        submit(agency, "form[action$='/supplement/request/']")
        assert "补正通知已发出" in agency.locator(".messages").inner_text()
        assert agency.locator("form[action$='/supplement/request/']").count() == 0

        person = browser.new_context(locale="zh-CN").new_page()
        sign_in(person, url, "zhangming")
        person.goto(f"{url}/applications/{application.pk}/supplement/")
        assert "请补充学位证书原件扫描件" in person.locator("main").inner_text()
        person.select_option("#id_slot", MaterialSlot.DEGREE_CERTIFICATE.value)
        person.set_input_files("#id_file", str(evidence))
        submit(person, "form[action$='/materials/upload/']")
        assert "学位证书（补正）.pdf" in person.locator(".messages").inner_text()
        person.locator("main textarea[name^=note_]").first.fill("已上传学位证书原件扫描件。")
        person.screenshot(path=tmp_path / "supplement.png", full_page=True)
        submit(person, "form:has(textarea[name^=note_])")
        assert person.url == detail

        agency.goto(detail)
        submit(agency, "form[action$='/eligibility/accept/']")
        assert "资格审核通过" in agency.locator(".messages").inner_text()

    application = Application.objects.get(pk=application.pk)
    assert application.state == ApplicationState.PANEL_REVIEW
    versions = application.materials.get(slot=MaterialSlot.DEGREE_CERTIFICATE).versions
    assert list(versions.values_list("number", "original_name")) == [
        (1, "材料.pdf"),
        (2, "学位证书（补正）.pdf"),
    ]
    assert application.supplement_request.items.get().answer_note == "已上传学位证书原件扫描件。"
