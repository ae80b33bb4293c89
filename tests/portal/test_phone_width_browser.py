"""Issue 22 (part B): at 390 px every table reads (one card per row, nothing wider than the
screen), in Chinese and in English; the footer's status link opens a page in words; the site has
a favicon. Screenshots in the test's tmp_path, or $SCREENSHOTS when set."""

import os
from pathlib import Path

import pytest

from applications.enums import RecommenderKind
from tests.applications.factories import ApplicationFactory, add_recommender
from tests.browser import chromium, sign_in
from tests.bureau.factories import approved, bureau_staff, on_notice

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def overflow(page) -> int:
    """How far the page is wider than the screen, in px (0: it fits)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.django_db(transaction=True)
def test_tables_read_at_phone_width(live_server, tmp_path):
    staff = bureau_staff()
    on_notice([approved(), approved()], staff)
    draft = ApplicationFactory()
    draft.applicant.username = "zhangming"
    draft.applicant.save(update_fields=["username"])
    for kind in (RecommenderKind.EXPERT, RecommenderKind.EXPERT, RecommenderKind.HEAD):
        add_recommender(draft, kind, responded=False)
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    url = live_server.url
    pages = {
        "notices": "/notices/",
        "dashboard": "/dashboard/",
        "recommenders": f"/applications/{draft.pk}/edit/recommenders/",
        "status": "/status/",
    }

    with chromium() as browser:
        for language, locale in (("zh", "zh-CN"), ("en", "en-US")):
            for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
                page = browser.new_context(locale=locale, viewport=viewport).new_page()
                sign_in(page, url, "zhangming")
                for name, path in pages.items():
                    page.goto(url + path)
                    page.screenshot(path=shots / f"{name}-{language}-{width}.png", full_page=True)
                    assert overflow(page) <= 1, (name, language, width)
                    if width == "phone" and page.locator("main table").count():
                        assert "stack" in page.locator("main table").first.get_attribute("class")
                        cell = page.locator("main table tbody tr td").first
                        # A name is one line, not one character per line.
                        assert cell.bounding_box()["width"] > 200, (name, language)
                page.goto(url + "/")
                page.locator(
                    "footer a", has_text="系统状态" if language == "zh" else "System status"
                ).click()
                assert page.url == url + "/status/"
                icon = page.locator("link[rel=icon]").get_attribute("href")
                assert page.request.get(url + icon).ok
                page.context.close()
