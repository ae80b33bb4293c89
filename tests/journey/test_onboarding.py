"""Issue 21's journey on a database made by ``migrate`` alone (no seed_demo): an employer
registers itself, bureau staff approve it, its reviewer invites a colleague, an applicant signs
up and names the employer, and the application goes through stage 1 (the colleague sees the
internal notice on the dashboard and objects under their name) with no admin step.

The one thing done before the browser is the installation's own: ``manage.py bureau_staff_grant``
makes its first bureau staff member (who has an authenticator). Reference data come from the
migrations."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.apps import apps as global_apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations import RunPython
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications.enums import ApplicationState, MaterialSlot
from applications.models import Application, InternalNotice
from tests.applications.factories import pdf_bytes
from tests.browser import chromium, orm, sign_in
from tests.factories import UserFactory, id_number_valid
from tests.journey.a11y import Audit
from tests.journey.test_happy_path import (
    NEW_PASSWORD,
    context,
    latest_code,
    messages,
    submit,
    submit_form_of,
    tokens,
)
from titles.models import Discipline, Organization, OutboxEmail, TitleSeries
from titles.models.people import credit_code_check_character
from titles.sweep import sweep_run

pytestmark = pytest.mark.browser

CODE_17 = "91110108MA01XK7P0"
CREDIT_CODE = CODE_17 + credit_code_check_character(CODE_17)


def state_of(application_id: int) -> str:
    return Application.objects.get(pk=application_id).state


def internal_notice_end(application_id: int):
    return InternalNotice.objects.get(application_id=application_id).ends_at


def invitation_link(email: str) -> str:
    body = OutboxEmail.objects.get(to_address=email, kind="organization_invitation").body
    return re.search(r"(/organizations/invitations/[^/\s]+/)", body).group(1)


def organization_id(name: str) -> int:
    return Organization.objects.get(name=name).pk


def the_installation():
    """What ``migrate`` and the superuser's one grant leave: reference data and a bureau staff
    member with a confirmed authenticator."""
    if not TitleSeries.objects.exists():  # emptied by a transactional test before this one
        data_as_migrate_leaves_it()
    assert TitleSeries.objects.exists() and Discipline.objects.filter(code="ai").exists()
    assert not Organization.objects.filter(kind="employer").exists()
    staff = UserFactory(username="sunli", real_name="孙丽")
    call_command("bureau_staff_grant", "sunli")
    TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    return staff, Discipline.objects.get(code="ai")


def phone_and_english_shots(page, folder: Path, name: str) -> None:
    """The page at phone width (390 px) and at 1280 px, in Chinese and in English; at phone
    width no page is wider than the screen. Ends in Chinese, at 1280 px."""
    for language in ("zh-hans", "en"):
        if language == "en":
            page.locator("form.language-switch button[value=en]").click()
            page.wait_for_load_state()
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=folder / f"{name}-{language}-390.png", full_page=True)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 390, f"{name} ({language}) is {width} px wide at phone width"
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=folder / f"{name}-{language}-1280.png", full_page=True)
    page.locator("form.language-switch button[value=zh-hans]").click()
    page.wait_for_load_state()


def data_as_migrate_leaves_it() -> None:
    """Run every migration's data step again, in order: what ``migrate`` writes (the reference
    series, disciplines, checklist, calendar, shipped organizations), after a transactional test
    before this one has emptied every table. The steps run with today's models (the tables
    have today's columns); on empty tables the ones that only convert old rows do nothing.
    Django's ``serialized_rollback`` would restore the rows too, but clashes with the content
    types the flush before it recreated."""
    loader = MigrationLoader(connection)
    plan = []  # every migration, each after the ones it depends on
    for leaf in loader.graph.leaf_nodes():
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    with connection.schema_editor() as schema_editor:
        for key in plan:
            for operation in loader.get_migration(*key).operations:
                if isinstance(operation, RunPython):
                    operation.code(global_apps, schema_editor)


@pytest.mark.django_db(transaction=True)
def test_from_migrate_alone_an_employer_an_applicant_and_a_colleague_get_through_stage_1(
    live_server, tmp_path
):
    staff, discipline = the_installation()
    staff_key = TOTPDevice.objects.get(user=staff).bin_key
    pdf = tmp_path / "证明材料.pdf"
    pdf.write_bytes(pdf_bytes())
    url = live_server.url
    audit = Audit()

    with (
        time_machine.travel(timezone.now(), tick=True) as clock,
        chromium() as browser,
    ):
        # The employer's HR officer finds registration on the home page and registers.
        hr = context(browser).new_page()
        hr.goto(url + "/")
        audit.page(hr, "home")
        hr.locator("main a[href='/organizations/register/']").first.click()
        hr.wait_for_load_state()
        audit.page(hr, "organization-register")
        phone_and_english_shots(hr, tmp_path, "organization-register")
        hr.fill("#id_name", "北京星河智能科技有限公司")
        hr.select_option("#id_kind", "employer")
        hr.fill(
            "#id_unified_social_credit_code",
            CREDIT_CODE[:17] + "0" if CREDIT_CODE[17] != "0" else CREDIT_CODE[:17] + "1",
        )
        hr.fill("#id_hr_email", "hr@xinghe.example.cn")
        hr.fill("#id_account-username", "zhouhong")
        hr.fill("#id_account-real_name", "周红")
        hr.fill("#id_account-email", "zhouhong@xinghe.example.cn")
        hr.fill("#id_account-password1", NEW_PASSWORD)
        hr.fill("#id_account-password2", NEW_PASSWORD)
        submit_form_of(hr, "#id_hr_email")
        # A wrong check character is explained, in Chinese, and nothing is made.
        assert "统一社会信用代码最后一位校验码不正确" in hr.locator("main").inner_text()
        hr.fill("#id_unified_social_credit_code", CREDIT_CODE)
        hr.fill("#id_account-password1", NEW_PASSWORD)
        hr.fill("#id_account-password2", NEW_PASSWORD)
        submit_form_of(hr, "#id_hr_email")
        employer_id = orm(organization_id, "北京星河智能科技有限公司")
        assert hr.url == f"{url}/organizations/{employer_id}/"
        assert "等待北京市人力资源和社会保障局审核" in hr.locator("main").inner_text()
        audit.page(hr, "organization-pending")

        # Bureau staff approve it on their page.
        desk = context(browser).new_page()
        sign_in(desk, url, "sunli", staff_key, audit=audit)
        desk.locator("main a[href='/organizations/registrations/']").click()
        desk.wait_for_load_state()
        audit.page(desk, "organization-registrations")
        phone_and_english_shots(desk, tmp_path, "organization-registrations")
        desk.locator(f"#registration-{employer_id} button[value=approve]").click()
        desk.wait_for_load_state()
        assert "北京星河智能科技有限公司 已审核通过。" in messages(desk)
        desk.goto(url + "/committee/setup/")
        audit.page(desk, "committee-setup")
        phone_and_english_shots(desk, tmp_path, "committee-setup")
        desk.context.close()

        # Its reviewer, told of the approval, invites a colleague.
        hr.goto(f"{url}/organizations/{employer_id}/")
        audit.page(hr, "organization-page")
        hr.fill("#id_email", "wangwu@xinghe.example.cn")
        hr.select_option("#id_role", "member")
        submit_form_of(hr, "#id_role")
        assert "邀请已发送至 wangwu@xinghe.example.cn。" in messages(hr)
        phone_and_english_shots(hr, tmp_path, "organization-page")

        # The colleague opens the link, creates an account with that address, accepts.
        peer = context(browser).new_page()
        peer.goto(url + orm(invitation_link, "wangwu@xinghe.example.cn"))
        audit.page(peer, "invitation")
        peer.locator("main a[href^='/accounts/signup/']").click()
        peer.wait_for_load_state()
        peer.fill("#id_username", "wangwu")
        peer.fill("#id_real_name", "王五")
        peer.fill("#id_email", "wangwu@xinghe.example.cn")
        peer.fill("#id_password1", NEW_PASSWORD)
        peer.fill("#id_password2", NEW_PASSWORD)
        submit_form_of(peer, "#id_username")
        assert "/organizations/invitations/" in peer.url
        submit(peer, "main form")
        assert "您已加入北京星河智能科技有限公司。" in messages(peer)
        peer.goto(url + "/organizations/join/")
        audit.page(peer, "organization-join")
        phone_and_english_shots(peer, tmp_path, "organization-join")

        # The applicant finds sign-up on the sign-in page and lands on starting.
        applicant = context(browser).new_page()
        applicant.goto(url + "/accounts/login/")
        applicant.locator("main a[href='/accounts/signup/']").click()
        applicant.wait_for_load_state()
        applicant.fill("#id_username", "zhangming")
        applicant.fill("#id_real_name", "张明")
        applicant.fill("#id_email", "zhangming@example.cn")
        applicant.fill("#id_password1", NEW_PASSWORD)
        applicant.fill("#id_password2", NEW_PASSWORD)
        submit_form_of(applicant, "#id_username")
        assert applicant.url == url + "/applications/new/"
        audit.page(applicant, "start")
        phone_and_english_shots(applicant, tmp_path, "start")
        applicant.locator("main a[href='/organizations/invite-employer/']").click()
        applicant.wait_for_load_state()
        audit.page(applicant, "invite-employer")
        phone_and_english_shots(applicant, tmp_path, "invite-employer")
        applicant.goto(url + "/applications/new/")
        applicant.locator("form[action='/applications/new/'] button").click()
        applicant.wait_for_load_state()
        application_id = int(re.search(r"/applications/(\d+)/", applicant.url).group(1))
        detail = f"{url}/applications/{application_id}/"
        applicant.check("input[name=category][value=high_level]")
        applicant.select_option("#id_employer", str(employer_id))
        applicant.fill("#id_department", "研发中心")
        submit_form_of(applicant, "#id_employer")
        applicant.fill("#id_real_name", "张明")
        applicant.fill("#id_phone", "13800138000")
        applicant.fill("#id_id_number", id_number_valid())
        applicant.select_option("#id_title_series", str(discipline.series_id))
        applicant.select_option("#id_discipline", str(discipline.pk))
        applicant.select_option("#id_level", "full_senior")
        submit_form_of(applicant, "#id_phone")
        for field in (
            "academic_proficiency",
            "professional_competence",
            "work_achievements",
            "performance_contributions",
        ):
            applicant.fill(f"#id_{field}", "主持完成国家重点研发计划项目，成果已产业化。")
        submit_form_of(applicant, "#id_work_achievements")
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
        applicant.goto(f"{detail}edit/recommenders/")
        people = [
            ("expert", "", "李教授", "li@tsinghua.example.cn", "清华大学", "教授"),
            ("expert", "", "王研究员", "wang@cas.example.cn", "中国科学院", "研究员"),
            ("expert", "", "赵总工", "zhao@crrc.example.cn", "中车集团", "正高级工程师"),
            (
                "head",
                "organization_chief",
                "孙总经理",
                "sun@xinghe.example.cn",
                "北京星河",
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
        for token, email in orm(tokens, application_id):
            page = context(browser).new_page()
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
            page.context.close()
        applicant.goto(f"{detail}edit/submit/")
        applicant.check("#id_declaration")
        submit_form_of(applicant, "#id_declaration")
        assert orm(state_of, application_id) == ApplicationState.EMPLOYER_REVIEW

        # The new reviewer opens the internal notice.
        hr.goto(url + "/employer/")
        hr.locator(f"a[href='/applications/{application_id}/']").click()
        hr.wait_for_load_state()
        hr.fill("#id_working_days", "5")
        submit_form_of(hr, "#id_working_days")
        assert "单位内部公示已发布。" in messages(hr)

        # The colleague sees it on the dashboard and objects under their name.
        peer.goto(url + "/dashboard/")
        audit.page(peer, "dashboard-member")
        phone_and_english_shots(peer, tmp_path, "dashboard-member")
        peer.locator(f"#my-organizations a[href='/applications/{application_id}/notice/']").click()
        peer.wait_for_load_state()
        assert peer.locator("#id_real_name").input_value() == "王五"
        peer.fill("#id_statement", "其论文署名存在争议。")
        submit_form_of(peer, "#id_statement")
        assert "您的异议已收到" in messages(peer)

        hr.goto(f"{detail}notice/")
        hr.check("input[name=decision][value=dismiss]")
        hr.fill("form[action*='/decide/'] textarea[name=reason]", "经核实，署名无争议。")
        submit(hr, "form[action*='/decide/']")
        assert "异议已处理。" in messages(hr)

        clock.move_to(orm(internal_notice_end, application_id) + timedelta(minutes=1))
        orm(sweep_run)
        sign_in(hr, url, "zhouhong", password=NEW_PASSWORD)
        hr.goto(detail)
        hr.fill("#id_opinion", "该同志业绩突出，经公示无异议，同意推荐。")
        submit_form_of(hr, "#id_opinion")
        assert "单位推荐意见已报送评价服务机构。" in messages(hr)
        assert orm(state_of, application_id) == ApplicationState.ELIGIBILITY_REVIEW

    audit.assert_clean()
