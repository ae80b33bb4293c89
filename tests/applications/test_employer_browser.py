"""A reviewer returns, the applicant resubmits, the notice runs with an objection, and passes."""

import pytest
import time_machine
from django.core.management import call_command

from applications import services
from applications.enums import ApplicationState
from applications.models import Application, InternalNotice
from tests.applications.factories import complete_application
from tests.browser import chromium, orm, sign_in
from tests.factories import UserFactory
from titles.enums import Role
from titles.people import role_grant

pytestmark = pytest.mark.browser


def submit_form_of(page, selector: str) -> None:
    page.locator(f"form:has({selector}) button[type=submit]").first.click()
    page.wait_for_load_state()


def submit(page, form_selector: str) -> None:
    page.locator(f"{form_selector} button[type=submit]").first.click()
    page.wait_for_load_state()


def notice_end(application_id: int):
    return InternalNotice.objects.get(application_id=application_id).ends_at


def run_sweep() -> None:
    call_command("sweep_deadlines")


@pytest.mark.django_db(transaction=True)
def test_return_resubmit_notice_objection_and_recommendation(live_server, tmp_path):
    application = complete_application()
    applicant = application.applicant
    applicant.username = "zhangming"
    applicant.save(update_fields=["username"])
    reviewer = UserFactory(username="lihua", real_name="李华")
    role_grant(
        user=reviewer, role=Role.EMPLOYER_REVIEWER, organization=application.employer, actor=None
    )
    colleague = UserFactory(username="wangwu", real_name="王五")
    role_grant(user=colleague, role=Role.APPLICANT, organization=application.employer, actor=None)
    services.application_submit(application=application, actor=applicant, declaration=True)
    url = live_server.url
    detail = f"{url}/applications/{application.pk}/"

    with chromium() as browser:
        hr = browser.new_context(locale="zh-CN").new_page()
        sign_in(hr, url, "lihua")
        hr.goto(url + "/employer/")
        hr.screenshot(path=tmp_path / "queue.png", full_page=True)
        hr.locator(f"a[href='/applications/{application.pk}/']").click()
        hr.fill("form[action$='/return/'] textarea[name=reason]", "请补充近三年的业绩证明。")
        submit(hr, "form[action$='/return/']")
        assert "已退回申报人" in hr.locator(".messages").inner_text()

        person = browser.new_context(locale="zh-CN").new_page()
        sign_in(person, url, "zhangming")
        person.goto(f"{url}/applications/{application.pk}/edit/submit/")
        assert "请补充近三年的业绩证明。" in person.goto(detail).text()
        person.goto(f"{url}/applications/{application.pk}/edit/submit/")
        person.check("#id_declaration")
        submit_form_of(person, "#id_declaration")
        assert person.url == detail

        hr.goto(detail)
        hr.fill("#id_working_days", "5")
        submit_form_of(hr, "#id_working_days")
        assert "单位内部公示已发布。" in hr.locator(".messages").inner_text()

        peer = browser.new_context(locale="zh-CN").new_page()
        sign_in(peer, url, "wangwu")
        peer.goto(url + "/notices/internal/")
        peer.locator(f"a[href='/applications/{application.pk}/notice/']").click()
        peer.fill("#id_statement", "其论文署名存在争议。")
        submit_form_of(peer, "#id_statement")
        assert "您的异议已收到" in peer.locator(".messages").inner_text()
        peer.screenshot(path=tmp_path / "notice.png", full_page=True)

        hr.goto(f"{url}/applications/{application.pk}/notice/")
        hr.check("input[name=decision][value=dismiss]")
        hr.fill("form[action*='/decide/'] textarea[name=reason]", "经核实，署名无争议。")
        submit(hr, "form[action*='/decide/']")
        assert "异议已处理。" in hr.locator(".messages").inner_text()

        ends = orm(notice_end, application.pk)
        with time_machine.travel(ends.timestamp() + 60, tick=True):
            orm(run_sweep)
            sign_in(hr, url, "lihua")  # a week or more later, however long the calendar makes it
            hr.goto(detail)
            hr.fill("#id_opinion", "该同志业绩突出，经公示无异议，同意推荐。")
            submit_form_of(hr, "#id_opinion")
            assert "单位推荐意见已报送评价服务机构。" in hr.locator(".messages").inner_text()
            hr.screenshot(path=tmp_path / "recommended.png", full_page=True)

    application = Application.objects.get(pk=application.pk)
    assert application.state == ApplicationState.ELIGIBILITY_REVIEW
    assert application.employer_opinion == "该同志业绩突出，经公示无异议，同意推荐。"
