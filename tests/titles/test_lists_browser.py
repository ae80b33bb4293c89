"""Agency staff find an application by name in two steps, sort, print the 申报表, export the
queue and open the statistics, in Chinese and in English, at desk and phone widths (issue #23)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications.enums import ApplicationState
from tests.applications.factories import application_in
from tests.browser import chromium, orm, sign_in
from tests.factories import UserFactory
from tests.review.factories import staff as agency_staff

pytestmark = pytest.mark.browser


def current_key(user_id: int) -> bytes:
    return TOTPDevice.objects.get(user_id=user_id).bin_key


@pytest.mark.django_db(transaction=True)
def test_agency_staff_find_sort_print_and_export(live_server, tmp_path):
    wanted = application_in(
        ApplicationState.ELIGIBILITY_REVIEW, applicant=UserFactory(real_name="王小明")
    )
    for n in range(3):
        application_in(
            ApplicationState.ELIGIBILITY_REVIEW, applicant=UserFactory(real_name=f"李{n}")
        )
    staff = agency_staff()
    staff.username = "zhaolei"
    staff.save(update_fields=["username"])
    TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    url = live_server.url

    with chromium() as browser:
        # One sign-in (a TOTP code is good once), then each language by its cookie.
        context = browser.new_context(locale="zh-CN", accept_downloads=True)
        page = context.new_page()
        sign_in(page, url, "zhaolei", orm(current_key, staff.pk))
        for language, search_label, export_label in (
            ("zh-hans", "搜索", "导出 Excel"),
            ("en", "Search", "Export to Excel"),
        ):
            context.add_cookies([{"name": "django_language", "value": language, "url": url}])
            page.goto(url + "/agency/")
            # step one: the name; step two: the row
            page.get_by_label(search_label).fill("王小明")
            page.locator("form.filters button[type=submit]").click()
            page.wait_for_load_state()
            rows = page.locator("tbody tr")
            assert rows.count() == 1
            assert wanted.reference in rows.first.inner_text()
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=tmp_path / f"agency-{language}-{width}.png", full_page=True)
            with page.expect_download() as download:
                page.get_by_text(export_label).click()
            assert download.value.suggested_filename.startswith("agency-")
            assert download.value.suggested_filename.endswith(".xlsx")
            page.set_viewport_size({"width": 1280, "height": 900})
            page.locator("thead a").first.click()  # sort by the first sortable column
            page.wait_for_load_state()
            assert "q=" in page.url and "sort=" in page.url
            response = page.request.get(f"{url}/applications/{wanted.pk}/form.pdf")
            assert response.status == 200
            assert response.headers["content-type"] == "application/pdf"
            page.goto(url + "/statistics/")
            assert page.locator("svg.chart").count() >= 1
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(
                    path=tmp_path / f"statistics-{language}-{width}.png", full_page=True
                )
    print(tmp_path)
