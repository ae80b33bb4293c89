"""Bureau staff publish a batch, a visitor objects in Chinese, staff dismiss it, all pass."""

import pytest
import time_machine
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications.enums import ApplicationState
from applications.models import Application
from bureau.models import PublicNotice, PublicObjection
from tests.browser import chromium, orm, sign_in
from tests.bureau.factories import approved, bureau_staff

pytestmark = pytest.mark.browser


def submit(page, form_selector: str) -> None:
    page.locator(f"{form_selector} button[type=submit]").first.click()
    page.wait_for_load_state()


def current_key(user_id: int) -> bytes:
    return TOTPDevice.objects.get(user_id=user_id).bin_key


def notice_end():
    return PublicNotice.objects.get().ends_at


def run_sweep() -> None:
    call_command("sweep_deadlines")


@pytest.mark.django_db(transaction=True)
def test_publish_object_dismiss_and_pass(live_server, tmp_path):
    shots = tmp_path  # the pages as a visitor and the bureau see them, to look at
    names = ["张明", "李静", "王强"]
    batch = []
    for name in names:
        application = approved()
        application.applicant.real_name = name
        application.applicant.save(update_fields=["real_name"])
        batch.append(application)
    staff = bureau_staff(username="chenjing", real_name="陈静")
    TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    disputed = batch[1]
    url = live_server.url
    dismissed = "异议已处理。"  # the pages are in Chinese (the browser asks for zh-CN)

    with chromium() as browser:
        bureau = browser.new_context(locale="zh-CN").new_page()
        sign_in(bureau, url, "chenjing", orm(current_key, staff.pk))
        bureau.goto(url + "/bureau/")
        for application in batch:
            bureau.check(f"#choose-{application.pk}")
        bureau.screenshot(path=shots / "bureau-queue.png", full_page=True)
        submit(bureau, "form[action$='/bureau/publish/']")
        # The confirmation page (issue #22) names the three applicants; nothing is public yet.
        said = bureau.locator("section.confirmation").inner_text()
        assert all(name in said for name in names) and "公示一经发布不能撤回" in said
        bureau.screenshot(path=shots / "publish-confirm.png", full_page=True)
        submit(bureau, "form.confirm")
        assert bureau.locator(".messages .success").count() == 1
        assert bureau.locator("input[name=applications]").count() == 0

        visitor = browser.new_context(locale="zh-CN").new_page()
        visitor.goto(url + "/notices/")
        listed = visitor.locator("main").inner_text()
        assert all(name in listed for name in names)
        visitor.screenshot(path=shots / "public-notice.png", full_page=True)
        visitor.locator("tr", has_text="李静").locator("a").click()
        visitor.fill("#id_real_name", "赵六")
        visitor.fill("#id_contact", "13911112222")
        visitor.fill("#id_statement", "据我所知，李静申报材料中的专利并非其本人完成，请核查。")
        visitor.screenshot(path=shots / "objection-form.png", full_page=True)
        submit(visitor, "main form")
        reference = visitor.locator(".reference-number").inner_text()
        assert reference.startswith("YY")
        visitor.screenshot(path=shots / "objection-received.png", full_page=True)

        bureau.goto(f"{url}/applications/{disputed.pk}/")
        assert "请核查。" in bureau.locator(".bureau-section").inner_text()
        bureau.check("input[name=decision][value=dismiss]")
        bureau.fill("form[action*='/decide/'] textarea[name=reason]", "经核实，专利确系本人完成。")
        submit(bureau, "form[action*='/decide/']")
        assert dismissed in bureau.locator(".messages").inner_text()
        bureau.screenshot(path=shots / "objection-decided.png", full_page=True)

        ends = orm(notice_end)
        with time_machine.travel(ends.timestamp() + 60, tick=True):
            orm(run_sweep)
            visitor.goto(url + "/notices/")
            assert "李静" not in visitor.locator("main").inner_text()

    assert PublicObjection.objects.get().reference == reference
    assert PublicObjection.objects.get().status == "dismissed"
    assert [Application.objects.get(pk=application.pk).state for application in batch] == [
        ApplicationState.CERTIFYING
    ] * 3
