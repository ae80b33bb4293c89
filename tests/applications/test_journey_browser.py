"""An applicant signs up and submits; three experts and a head respond through their links."""

import re

import pytest

from applications.enums import ApplicationState, MaterialSlot
from applications.models import Application, Recommender
from applications.services import recommender_token
from tests.applications.factories import organization, pdf_bytes
from tests.browser import chromium, orm
from tests.factories import UserFactory, discipline_of, id_number_valid
from titles.enums import Role
from titles.models import OutboxEmail
from titles.people import role_grant

pytestmark = pytest.mark.browser

PASSWORD = "Beijing-2026-title!"


def submit_form_of(page, selector: str) -> None:
    page.locator(f"form:has({selector}) button[type=submit]").first.click()
    page.wait_for_load_state()


def latest_code(email: str) -> str:
    body = OutboxEmail.objects.filter(to_address=email, kind="recommender_code").latest("id").body
    return re.search(r"\b(\d{6})\b", body).group(1)


def tokens(application_id: int) -> list[tuple[str, str]]:
    return [
        (recommender_token(r), r.email)
        for r in Recommender.objects.filter(application_id=application_id).order_by("id")
    ]


@pytest.mark.django_db(transaction=True)
def test_applicant_signs_up_and_submits_with_3_plus_1(live_server, tmp_path):
    employer = organization(name="北京智源科技有限公司")
    found = discipline_of()
    reviewer = UserFactory(real_name="人事处李华")
    role_grant(user=reviewer, role=Role.EMPLOYER_REVIEWER, organization=employer, actor=None)
    pdf = tmp_path / "证明材料.pdf"
    pdf.write_bytes(pdf_bytes())
    shots = tmp_path

    with chromium() as browser:
        applicant = browser.new_context(locale="zh-CN").new_page()
        url = live_server.url
        applicant.goto(url + "/accounts/signup/")
        applicant.fill("#id_username", "zhangming")
        applicant.fill("#id_real_name", "张明")
        applicant.fill("#id_email", "zhangming@example.cn")
        applicant.fill("#id_password1", PASSWORD)
        applicant.fill("#id_password2", PASSWORD)
        submit_form_of(applicant, "#id_username")
        assert applicant.url == url + "/applications/new/"  # signing up lands on starting
        applicant.locator("form[action='/applications/new/'] button").click()
        applicant.wait_for_load_state()
        application_id = int(re.search(r"/applications/(\d+)/", applicant.url).group(1))

        applicant.check("input[name=category][value=high_level]")
        applicant.select_option("#id_employer", str(employer.pk))
        applicant.fill("#id_department", "研发中心")
        submit_form_of(applicant, "#id_employer")
        assert applicant.url.endswith("/edit/personal/")

        applicant.fill("#id_real_name", "张明")
        applicant.fill("#id_phone", "13800138000")
        applicant.fill("#id_id_number", id_number_valid())
        applicant.select_option("#id_title_series", str(found.series_id))
        applicant.select_option("#id_discipline", str(found.pk))
        applicant.select_option("#id_level", "full_senior")
        submit_form_of(applicant, "#id_phone")
        assert applicant.url.endswith("/edit/achievements/")

        for field in (
            "academic_proficiency",
            "professional_competence",
            "work_achievements",
            "performance_contributions",
        ):
            applicant.fill(f"#id_{field}", "主持完成国家重点研发计划项目，成果已产业化。")
        submit_form_of(applicant, "#id_work_achievements")
        assert applicant.url.endswith("/edit/materials/")

        for slot in (
            MaterialSlot.IDENTITY_DOCUMENT,
            MaterialSlot.DEGREE_CERTIFICATE,
            MaterialSlot.EMPLOYMENT_PROOF,
            MaterialSlot.ACHIEVEMENT_EVIDENCE,
            MaterialSlot.PROGRAMME_AWARD,
        ):
            applicant.select_option("#id_slot", slot.value)
            applicant.set_input_files("#id_file", str(pdf))
            with applicant.expect_navigation():
                submit_form_of(applicant, "#id_file")
        assert applicant.locator("text=证明材料.pdf").count() == 5
        applicant.screenshot(path=shots / "materials.png", full_page=True)

        applicant.goto(url + f"/applications/{application_id}/edit/recommenders/")
        people = [
            ("expert", "", "李教授", "li@tsinghua.example.cn", "清华大学", "教授"),
            ("expert", "", "王研究员", "wang@cas.example.cn", "中国科学院", "研究员"),
            ("expert", "", "赵总工", "zhao@crrc.example.cn", "中车集团", "正高级工程师"),
            (
                "head",
                "organization_chief",
                "孙总经理",
                "sun@baai.example.cn",
                "北京智源科技有限公司",
                "总经理",
            ),
        ]
        for kind, head_kind, name, email, org, title in people:
            applicant.select_option("#id_kind", kind)
            if head_kind:
                applicant.select_option("#id_head_kind", head_kind)
            applicant.fill("#id_name", name)
            applicant.fill("#id_email", email)
            applicant.fill("#id_organization_name", org)
            applicant.fill("#id_stated_title", title)
            submit_form_of(applicant, "#id_stated_title")
        applicant.screenshot(path=shots / "recommenders.png", full_page=True)

        for token, email in orm(tokens, application_id):
            page = browser.new_context(locale="zh-CN").new_page()
            page.goto(url + f"/recommend/{token}/")
            page.locator("form:has(input[value=send_code]) button").click()
            page.wait_for_load_state()
            page.fill("#id_code", orm(latest_code, email))
            submit_form_of(page, "#id_code")
            if page.locator("#id_senior_title").count():  # experts only, not the head
                page.fill("#id_senior_title", "教授")
                page.select_option("#id_senior_title_level", "full_senior")
                page.fill("#id_title_certificate_number", "ZG-2010-0001")
            page.fill("#id_field", "人工智能")
            page.fill("#id_opinion", "该同志业绩突出，同意推荐。")
            submit_form_of(page, "#id_opinion")
            assert page.locator(".ok").count() >= 1
            page.context.close()

        applicant.goto(url + f"/applications/{application_id}/edit/submit/")
        applicant.screenshot(path=shots / "submit.png", full_page=True)
        assert applicant.locator("ul.missing").count() == 0
        applicant.check("#id_declaration")
        submit_form_of(applicant, "#id_declaration")
        assert applicant.url == url + f"/applications/{application_id}/"
        applicant.screenshot(path=shots / "detail.png", full_page=True)

    application = Application.objects.get(pk=application_id)
    assert application.state == ApplicationState.EMPLOYER_REVIEW
    assert application.recommenders.filter(status="responded").count() == 4
    assert reviewer.notifications.filter(kind="application_submitted").count() == 1
