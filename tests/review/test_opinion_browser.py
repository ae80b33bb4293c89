"""Issue 22 (part B): the expert's opinion page in Chromium at 1280 px and 390 px, zh and en:
the form first, the application beside it (closed on a phone), and a refused submission brings
the first marked field into view."""

import os
from pathlib import Path

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.applications.test_supplement_browser import current_key
from tests.browser import chromium, sign_in
from tests.review.factories import assigned, expert, in_panel_review

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.mark.django_db(transaction=True)
def test_the_opinion_page_as_the_expert_meets_it(live_server, tmp_path):
    application = in_panel_review()
    person = expert(username="expert1", real_name="赵一")
    TOTPDevice.objects.create(user=person, name="default", confirmed=True)
    assignment = assigned(application, who=person)
    key = current_key(person.pk)
    shots = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    url = live_server.url
    page_url = f"{url}/review/{assignment.pk}/"

    with chromium() as browser:
        page = browser.new_context(locale="zh-CN").new_page()
        sign_in(page, url, "expert1", key)  # once: a TOTP code is good for one sign-in
        for language in ("zh-hans", "en"):
            page.context.add_cookies([{"name": "django_language", "value": language, "url": url}])
            for width, viewport in WIDTHS.items():
                page.set_viewport_size(viewport)
                page.goto(page_url)
                details = page.locator("details.review-application")
                assert (details.get_attribute("open") is not None) == (width == "desktop")
                page.screenshot(path=shots / f"opinion-{language}-{width}.png", full_page=True)
                # Submit with the last justification missing: the page comes back scrolled
                # to the first marked field.
                for dimension in ("academic", "competence", "achievements"):
                    page.fill(f"#id_score_{dimension}", "8")
                    page.fill(f"#id_justification_{dimension}", "成果突出。")
                page.fill("#id_score_contributions", "8")
                page.select_option("#id_recommendation", "support")
                page.fill("#id_summary", "同意推荐。")
                page.locator("button[name=submit]").click()
                page.wait_for_load_state()
                marked = page.locator(".field.has-error").first
                assert marked.count() == 1
                box = marked.bounding_box()
                assert 0 <= box["y"] < viewport["height"], box
                page.screenshot(path=shots / f"opinion-error-{language}-{width}.png")
