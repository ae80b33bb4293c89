"""Playwright driving Debian's Chromium (never a downloaded browser).

Use ``with chromium() as browser:`` *after* the test's ORM work: inside Playwright's sync API an
event loop runs, and Django rightly refuses database calls there.
"""

from collections.abc import Iterator
from contextlib import contextmanager

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def orm(func, *args, **kwargs):
    """Run ORM work from inside a Playwright block: in a worker thread, where no event loop runs."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def run():
        try:
            return func(*args, **kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def sign_in(page, url, username, device_key=None, password=None, audit=None):
    """Sign in afresh in the page's browser context (and with the TOTP code when a device key is
    given). The context's cookies are cleared first, so the outcome never depends on whether an
    earlier session has expired yet: after a jump of the clock, a test signs its people in again
    with this, whatever the jump's length (which follows the calendar of the start date)."""
    from django_otp.oath import totp

    from tests.factories import PASSWORD

    page.context.clear_cookies()
    page.goto(url + "/accounts/login/")
    if audit is not None:
        audit.page(page, "login")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD if password is None else password)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    if device_key is not None:
        if audit is not None:
            audit.page(page, "two-factor")
        page.locator("main input[name=otp_token], main input[type=text]").first.fill(
            f"{totp(device_key):06d}"
        )
        page.locator("main button.button[type=submit]").click()
    page.wait_for_url(url + "/dashboard/")
