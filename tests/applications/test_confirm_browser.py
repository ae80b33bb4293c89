"""Issue #22 in the browser, at phone width and in both languages: a returned applicant reads
the reasons on top; declining and removing a material are asked first, on a page saying what
will happen; nothing changes until the red button."""

import os
from pathlib import Path

import pytest

from applications import services
from applications.enums import ApplicationState
from applications.models import Application, Material
from tests.applications.factories import complete_application
from tests.browser import chromium, orm, sign_in
from tests.factories import UserFactory
from titles.enums import Role
from titles.people import role_grant

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def submit(page, form_selector: str) -> None:
    page.locator(f"{form_selector} button[type=submit]").first.click()
    page.wait_for_load_state()


def state_of(pk: int) -> str:
    return Application.objects.get(pk=pk).state


def materials_of(pk: int) -> int:
    return Material.objects.filter(application_id=pk).count()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.django_db(transaction=True)
def test_reasons_on_top_and_asked_before_declining_or_removing(live_server, tmp_path):
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    application = complete_application()
    applicant = application.applicant
    applicant.username = "zhangming"
    applicant.save(update_fields=["username"])
    reviewer = UserFactory(username="lihua", real_name="李华")
    role_grant(
        user=reviewer, role=Role.EMPLOYER_REVIEWER, organization=application.employer, actor=None
    )
    services.application_submit(application=application, actor=applicant, declaration=True)
    url = live_server.url
    detail = f"{url}/applications/{application.pk}/"

    with chromium() as browser:
        hr = browser.new_context(locale="zh-CN", viewport=PHONE).new_page()
        sign_in(hr, url, "lihua")
        hr.goto(detail)
        hr.fill("form[action$='/return/'] textarea[name=reason]", "请补充近三年的业绩证明。")
        submit(hr, "form[action$='/return/']")

        person = browser.new_context(locale="en-US", viewport=PHONE).new_page()
        sign_in(person, url, "zhangming")
        person.goto(detail)
        top = person.locator("section.status-panel .return-reason").inner_text()
        assert "请补充近三年的业绩证明。" in top
        person.screenshot(path=shots / "returned-detail-en-390.png", full_page=True)
        person.goto(f"{detail}edit/materials/")
        assert "请补充近三年的业绩证明。" in person.locator(".return-reason").inner_text()
        person.screenshot(path=shots / "returned-step-en-390.png", full_page=True)

        person.context.close()

    # Removing a material of a draft: asked first, in English at phone width.
    draft = complete_application(applicant=UserFactory(username="chenchen", real_name="陈晨"))
    with chromium() as browser:
        person = browser.new_context(locale="en-US", viewport=PHONE).new_page()
        sign_in(person, url, "chenchen")
        person.goto(f"{url}/applications/{draft.pk}/edit/materials/")
        # Removing a material: asked first, in English at phone width.
        person.locator("form[action*='/materials/'][action$='/delete/'] button").first.click()
        person.wait_for_load_state()
        said = person.locator("section.confirmation").inner_text()
        assert "will be removed with its 1 uploaded version" in said
        assert "cannot be restored" in person.locator(".irreversible").inner_text()
        assert no_sideways_scroll(person)
        person.screenshot(path=shots / "remove-confirm-en-390.png", full_page=True)
        before = orm(materials_of, draft.pk)
        person.locator("section.confirmation a.cancel").click()
        person.wait_for_load_state()
        assert orm(materials_of, draft.pk) == before
        person.locator("form[action*='/materials/'][action$='/delete/'] button").first.click()
        person.wait_for_load_state()
        submit(person, "form.confirm")
        assert orm(materials_of, draft.pk) == before - 1

    other = complete_application(employer=application.employer)
    services.application_submit(application=other, actor=other.applicant, declaration=True)
    with chromium() as browser:
        for locale, viewport, name in (("zh-CN", PHONE, "zh-390"), ("en-US", DESK, "en-1280")):
            hr = browser.new_context(locale=locale, viewport=viewport).new_page()
            sign_in(hr, url, "lihua")
            hr.goto(f"{url}/applications/{other.pk}/")
            hr.fill("form[action$='/decline/'] textarea[name=reason]", "不符合申报条件。")
            submit(hr, "form[action$='/decline/']")
            assert "不符合申报条件。" in hr.locator("section.confirmation").inner_text()
            assert no_sideways_scroll(hr)
            hr.screenshot(path=shots / f"decline-confirm-{name}.png", full_page=True)
            assert orm(state_of, other.pk) == ApplicationState.EMPLOYER_REVIEW
            if locale == "en-US":
                submit(hr, "form.confirm")
                assert orm(state_of, other.pk) == ApplicationState.DECLINED
            hr.context.close()
