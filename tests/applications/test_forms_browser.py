"""Issue 22 (part B): the applicant's form steps in Chromium, in both languages, at 1280 px and
at phone width (screenshots in the test's tmp_path, or $SCREENSHOTS when set)."""

import os
from pathlib import Path

import pytest

from applications.enums import MaterialSlot, RecommenderKind
from tests.applications.factories import ApplicationFactory, add_recommender, pdf_bytes
from tests.browser import chromium, sign_in
from tests.factories import discipline_of
from titles.models import Discipline, TitleSeries

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = {"zh": "zh-CN", "en": "en-US"}


RECORD_STATUS = """
document.addEventListener("DOMContentLoaded", () => {
  const status = document.querySelector(".upload-status");
  if (!status) return;
  new MutationObserver(() => {
    const seen = sessionStorage.getItem("statuses") || "";
    sessionStorage.setItem("statuses", seen + "|" + status.textContent);
  }).observe(status, { childList: true, characterData: true, subtree: true });
});
"""


def shots_dir(tmp_path) -> Path:
    folder = Path(os.environ.get("SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def no_horizontal_overflow(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"
    )


@pytest.mark.django_db(transaction=True)
def test_the_form_steps_as_the_applicant_meets_them(live_server, tmp_path):
    ai = discipline_of("eng", "ai")
    economics = TitleSeries.objects.create(code="eco", name="经济", name_en="Economics")
    other = Discipline.objects.create(
        series=economics, code="finance", name="金融", name_en="Finance"
    )
    application = ApplicationFactory(discipline=ai, work_achievements="")
    application.applicant.username = "zhangming"
    application.applicant.save(update_fields=["username"])
    add_recommender(application, RecommenderKind.EXPERT)
    pdf = tmp_path / "学位证书.pdf"
    pdf.write_bytes(pdf_bytes())
    shots = shots_dir(tmp_path)
    url = live_server.url
    edit = f"{url}/applications/{application.pk}/edit/"

    with chromium() as browser:
        page = browser.new_context(
            locale="zh-CN", viewport=WIDTHS["desktop"], bypass_csp=True
        ).new_page()
        sign_in(page, url, "zhangming")

        # The discipline list follows the series; no "---------" anywhere.
        page.goto(edit + "personal/")
        assert "---------" not in page.content()
        visible = page.locator("#id_discipline option:not([hidden])")
        assert str(other.pk) not in visible.evaluate_all("os => os.map(o => o.value)")
        page.select_option("#id_title_series", str(other.series_id))
        values = visible.evaluate_all("os => os.map(o => o.value)")
        assert str(other.pk) in values and str(ai.pk) not in values

        # A counter under each text; a half-written text is saved.
        page.goto(edit + "achievements/")
        page.fill("#id_work_achievements", "写了一半")
        assert "已输入 4 / 5000 字" in page.locator(".counter").nth(2).inner_text()
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(edit + "materials/")

        # The upload says "checking" once the bar is full, before the server has answered:
        # every text the status line shows is kept in sessionStorage across the reload.
        page.add_init_script(RECORD_STATUS)
        page.reload()
        page.select_option("#id_slot", MaterialSlot.DEGREE_CERTIFICATE.value)
        page.fill("#id_title", "硕士学位证书")
        page.set_input_files("#id_file", str(pdf))
        assert page.locator("#id_file").get_attribute("accept").startswith(".pdf")
        with page.expect_navigation():
            page.locator("form[data-upload-progress] button[type=submit]").click()
        statuses = page.evaluate("sessionStorage.getItem('statuses')")
        assert "100%|已上传，正在检查文件…" in statuses
        assert "以此版本为准" in page.locator("main").inner_text()
        assert "硕士学位证书" in page.locator("main").inner_text()

        for language, locale in LOCALES.items():
            for width, viewport in WIDTHS.items():
                context = browser.new_context(locale=locale, viewport=viewport)
                page = context.new_page()
                sign_in(page, url, "zhangming")
                for step in ("personal", "achievements", "materials", "submit"):
                    page.goto(edit + f"{step}/")
                    page.screenshot(path=shots / f"{step}-{language}-{width}.png", full_page=True)
                    assert no_horizontal_overflow(page), (step, language, width)
                text = page.locator("main").inner_text()
                if language == "zh":
                    assert "未完成" in text and "去填写" in text
                else:
                    assert "incomplete" in text and "Fix this" in text
                context.close()
