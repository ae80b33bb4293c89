"""The panel in the browser: staff assign three experts, one declares a conflict and is replaced,
all three submit, and the application goes to the committee."""

import pytest

from applications.enums import ApplicationState
from applications.models import Application
from review.models import Opinion
from tests.applications.test_supplement_browser import current_key
from tests.browser import chromium, orm, sign_in
from tests.review.factories import expert, in_panel_review, staff

pytestmark = pytest.mark.browser

SHOTS = None  # set to a folder to keep screenshots while looking at the pages


def shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def write_opinion(page, *, support: bool) -> None:
    for index, dimension in enumerate(["academic", "competence", "achievements", "contributions"]):
        page.fill(f"#id_score_{dimension}", str(7 + index % 3))
        page.fill(f"#id_justification_{dimension}", "成果突出，论据充分。")
    page.select_option("#id_recommendation", "support" if support else "oppose")
    page.fill("#id_summary", "同意推荐。" if support else "暂不推荐。")


@pytest.mark.django_db(transaction=True)
def test_assign_one_declares_a_conflict_is_replaced_all_submit(live_server):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    application = in_panel_review()
    agent = staff()
    agent.username, agent.real_name = "wangfang", "王芳"
    agent.save()
    experts = []
    for index, name in enumerate(["赵一", "钱二", "孙三", "李四"]):
        person = expert(username=f"expert{index}", real_name=name)
        experts.append(person)
    for person in [agent, *experts]:
        TOTPDevice.objects.create(user=person, name="default", confirmed=True)
    keys = {person.pk: current_key(person.pk) for person in [agent, *experts]}
    url = live_server.url
    assign_url = f"{url}/applications/{application.pk}/panel/"

    with chromium() as browser:
        desk = browser.new_context(locale="zh-CN").new_page()
        sign_in(desk, url, "wangfang", keys[agent.pk])
        desk.goto(url + "/panel/")
        desk.locator(f"a[href='/applications/{application.pk}/panel/']").click()
        for person in experts[:3]:
            desk.select_option("#id_expert", str(person.pk))
            desk.locator("main form:not(.inline) button[type=submit]").click()
            desk.wait_for_load_state()
        assert desk.locator("main table tbody tr").count() == 3
        shot(desk, "assignments")

        pages = {}
        for person in experts[:3]:
            page = browser.new_context(locale="zh-CN").new_page()
            sign_in(page, url, person.username, keys[person.pk])
            page.goto(url + "/review/")
            page.locator("main table tbody a").first.click()
            pages[person.pk] = page

        # The third expert declares a conflict and is released at once.
        leaving = pages[experts[2].pk]
        opinion_url = leaving.url
        leaving.locator(".conflict-check details summary").click()
        leaving.fill("#id_reason", "本人与申报人曾共同承担科研项目。")
        leaving.locator("form[action$='/conflict/'] button[type=submit]").click()
        leaving.wait_for_url(url + "/review/")
        assert leaving.goto(opinion_url).status == 404

        # Staff are told, and assign the fourth expert in the released one's place.
        desk.goto(assign_url)
        desk.select_option("#id_expert", str(experts[3].pk))
        desk.locator("main form:not(.inline) button[type=submit]").click()
        desk.wait_for_load_state()
        page = browser.new_context(locale="zh-CN").new_page()
        sign_in(page, url, experts[3].username, keys[experts[3].pk])
        page.goto(url + "/review/")
        page.locator("main table tbody a").first.click()
        pages[experts[3].pk] = page

        for index, person in enumerate([experts[0], experts[1], experts[3]]):
            page = pages[person.pk]
            page.locator("form[action$='/confirm/'] button[type=submit]").click()
            page.wait_for_load_state()
            write_opinion(page, support=index != 1)
            page.locator("button[name=save]").click()
            page.wait_for_load_state()
            assert orm(lambda: Application.objects.get(pk=application.pk).state) == (
                ApplicationState.PANEL_REVIEW
            )
            page.locator("button[name=submit]").click()
            page.wait_for_load_state()
            assert page.locator("button[name=submit]").count() == 0
            shot(page, f"opinion-{index}")

        desk.goto(f"{url}/applications/{application.pk}/")
        summary = desk.locator(".panel-summary").inner_text()
        shot(desk, "summary")

    assert Application.objects.get(pk=application.pk).state == ApplicationState.COMMITTEE_REVIEW
    assert Opinion.objects.filter(submitted_at__isnull=False).count() == 3
    assert "赵一" in summary and "李四" in summary and "孙三" not in summary
    assert "3" in summary
