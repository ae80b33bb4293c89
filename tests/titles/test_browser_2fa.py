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

        # Next the recovery codes, for the day the phone is lost.
        page.wait_for_url(live_server.url + "/accounts/2fa/recovery-codes/?next=%2Fdashboard%2F")
        assert page.locator("h1").inner_text() == "恢复码"
        assert "两步验证已设置完成。今后登录时需输入验证码。" in page.locator("main").inner_text()
        page.get_by_role("button", name="生成新的恢复码").click()
        codes = page.locator(".recovery-codes code").all_inner_texts()
        assert len(codes) == 10
        page.get_by_role("link", name="我已妥善保存，继续").click()

        page.wait_for_url(live_server.url + "/dashboard/")
        assert page.locator("h1").inner_text() == "工作台"
        assert "欢迎，孙丽。" in page.locator("main").inner_text()

        # The phone is lost: password, then one of the codes.
        page.context.clear_cookies()
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("用户名").fill("sunli")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("link", name="使用恢复码登录").click()
        page.get_by_label("恢复码").fill(codes[0])
        page.get_by_role("button", name="验证").click()
        page.wait_for_url(live_server.url + "/dashboard/")
        assert "您已使用恢复码登录，还剩 9 个恢复码。" in page.locator("main").inner_text()


@pytest.mark.django_db(transaction=True)
def test_the_recovery_pages_in_both_languages_and_widths(live_server, tmp_path):
    """Screenshots of the two new pages (SCREENSHOTS=folder keeps them), and no overflow."""
    import os
    from pathlib import Path

    from django.test import Client

    from tests.browser import orm
    from tests.factories import sign_in_verified
    from titles.twofactor import totp_device_ensure

    user = UserFactory(username="zhouqi", real_name="周琦", roles=[Role.AGENCY_STAFF])
    totp_device_ensure(user=user)
    folder = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    with chromium() as browser:
        for language, locale in (("zh-hans", "zh-CN"), ("en", "en-US")):
            for width in (1280, 390):
                context = browser.new_context(
                    locale=locale, viewport={"width": width, "height": 900}
                )
                page = context.new_page()
                page.goto(live_server.url + "/accounts/login/")
                page.fill("#id_username", "zhouqi")
                page.fill("#id_password", PASSWORD)
                page.locator("main button[type=submit]").click()
                page.wait_for_url("**/accounts/2fa/verify/**")
                page.locator("main a[href^='/accounts/2fa/recovery/']").click()
                page.wait_for_url("**/accounts/2fa/recovery/**")
                page.screenshot(path=folder / f"recovery-signin-{language}-{width}.png")
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                # Verified as by the code (one code cannot serve two sign-ins in 30 seconds).
                session = orm(lambda: sign_in_verified(Client(), user).cookies["sessionid"].value)
                context.clear_cookies()
                context.add_cookies(
                    [{"name": "sessionid", "value": session, "url": live_server.url}]
                )
                page.goto(live_server.url + "/accounts/2fa/recovery-codes/")
                page.locator("main form button").click()
                page.wait_for_selector(".recovery-codes")
                assert page.locator(".recovery-codes code").count() == 10
                assert page.evaluate("document.documentElement.scrollWidth") <= width
                page.screenshot(
                    path=folder / f"recovery-codes-{language}-{width}.png", full_page=True
                )
                context.close()
