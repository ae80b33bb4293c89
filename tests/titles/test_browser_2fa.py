from base64 import b32decode

import pytest
from django_otp.oath import totp

from tests.browser import chromium
from tests.factories import PASSWORD, UserFactory
from titles.enums import Role

pytestmark = pytest.mark.browser


def code_from_secret(secret: str) -> str:
    """What an authenticator app shows for the key typed in by hand."""
    secret = secret.replace(" ", "")
    return f"{totp(b32decode(secret + '=' * (-len(secret) % 8))):06d}"


@pytest.mark.django_db(transaction=True)
def test_bureau_staff_enrols_from_the_page_and_reaches_the_dashboard(live_server, tmp_path):
    UserFactory(username="sunli", real_name="孙丽", roles=[Role.BUREAU_STAFF])
    with chromium() as browser:
        page = browser.new_page(locale="zh-CN", viewport={"width": 1100, "height": 900})
        page.goto(live_server.url + "/accounts/login/")
        assert page.get_by_role("link", name="忘记密码？").get_attribute("href") == (
            "/accounts/password_reset/"
        )
        page.get_by_label("用户名").fill("sunli")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()

        page.wait_for_url(live_server.url + "/accounts/2fa/setup/?next=%2Fdashboard%2F")
        assert page.locator("h1").inner_text() == "设置两步验证"
        assert page.locator(".qr-code svg").is_visible()
        assert page.get_by_role("img", name="供身份验证器应用扫描的二维码").is_visible()
        page.screenshot(path=tmp_path / "2fa-setup.png", full_page=True)

        page.get_by_label("6位验证码").fill("12345")
        page.get_by_role("button", name="确认并启用").click()
        assert "请输入身份验证器应用中显示的6位验证码。" in page.locator("main").inner_text()

        secret = page.locator("#totp-secret").inner_text()
        page.get_by_label("6位验证码").fill(code_from_secret(secret))
        page.get_by_role("button", name="确认并启用").click()

        page.wait_for_url(live_server.url + "/dashboard/")
        assert page.locator("h1").inner_text() == "工作台"
        main = page.locator("main").inner_text()
        assert "两步验证已设置完成。今后登录时需输入验证码。" in main
        assert "欢迎，孙丽。" in main
