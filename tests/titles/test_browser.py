import pytest

from tests.browser import chromium
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_sign_in_and_see_the_dashboard_in_chinese(live_server, tmp_path):
    UserFactory(username="lihua", real_name="李华", roles=["employer_reviewer"])
    with chromium() as browser:
        page = browser.new_page(locale="zh-CN")
        page.goto(live_server.url + "/")
        assert page.locator("h1").inner_text() == "高级职称评价认定"
        page.get_by_role("link", name="登录").first.click()
        page.get_by_label("用户名").fill("lihua")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(live_server.url + "/dashboard/")
        assert page.locator("h1").inner_text() == "工作台"
        assert "欢迎，李华。" in page.locator("main").inner_text()
        page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "Dashboard"
