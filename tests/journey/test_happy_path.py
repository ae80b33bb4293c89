"""One application through all five stages, every role in its own browser context, in Chinese.

Applicant → three experts and a head recommend → employer review and internal notice (a colleague
objects, dismissed) → agency eligibility → three panel experts → committee meeting and secret
ballot → bureau public notice (a visitor objects, dismissed) → certificate → verified, revoked.

Every page the journey visits goes through ``Audit.page`` (axe-core and a Tab pass). With
``SCREENSHOTS=docs/screenshots`` set, the README's screenshots are refreshed on the way.
"""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications.enums import ApplicationState, MaterialSlot
from applications.models import Application, InternalNotice, Recommender
from applications.services import recommender_token
from bureau.models import PublicNotice, PublicObjection
from certificates.models import Certificate
from certificates.services import certificate_issue
from committee.models import Committee
from tests.applications.factories import organization, pdf_bytes
from tests.browser import chromium, orm, sign_in
from tests.bureau.factories import bureau_staff
from tests.factories import UserFactory, discipline_of, id_number_valid
from tests.journey.a11y import Audit
from titles.enums import OrganizationKind, Role
from titles.models import OutboxEmail
from titles.people import role_grant
from titles.sweep import sweep_run

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Beijing-2026-title!"


def context(browser):
    return browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})


def submit(page, form_selector: str) -> None:
    page.locator(f"{form_selector} button[type=submit]").first.click()
    page.wait_for_load_state()


def submit_form_of(page, selector: str) -> None:
    submit(page, f"form:has({selector})")


def confirm(page, says: str) -> None:
    """The confirmation page of an action that cannot be undone (issue #22): it says what will
    happen; nothing has happened until its red button is pressed."""
    assert says in page.locator("section.confirmation").inner_text()
    assert page.locator(".irreversible").count() == 1
    submit(page, "form.confirm")


def messages(page) -> str:
    return page.locator(".messages").inner_text()


def key_of(user_id: int) -> bytes:
    return TOTPDevice.objects.get(user_id=user_id).bin_key


def latest_code(email: str) -> str:
    body = OutboxEmail.objects.filter(to_address=email, kind="recommender_code").latest("id").body
    return re.search(r"\b(\d{6})\b", body).group(1)


def tokens(application_id: int) -> list[tuple[str, str]]:
    return [
        (recommender_token(r), r.email)
        for r in Recommender.objects.filter(application_id=application_id).order_by("id")
    ]


def internal_notice_end(application_id: int):
    return InternalNotice.objects.get(application_id=application_id).ends_at


def public_notice_end():
    return PublicNotice.objects.get().ends_at


def state_of(application_id: int) -> str:
    return Application.objects.get(pk=application_id).state


def issue(application_id: int) -> int:
    """What the worker does: the task's own function, run here in-process."""
    certificate = certificate_issue(application_id=application_id)
    if certificate is None:
        certificate = Certificate.objects.get(application_id=application_id)
    return certificate.pk


def certificate_number(certificate_pk: int) -> str:
    return Certificate.objects.get(pk=certificate_pk).number


def the_cast():
    employer = organization(name="北京智源科技有限公司")
    agency = organization(OrganizationKind.EVALUATION_AGENCY, name="北京市职称评价服务中心")
    reviewer = UserFactory(username="lihua", real_name="人事处李华")
    role_grant(user=reviewer, role=Role.EMPLOYER_REVIEWER, organization=employer, actor=None)
    colleague = UserFactory(username="wangwu", real_name="王五")
    role_grant(user=colleague, role=Role.APPLICANT, organization=employer, actor=None)
    staff = UserFactory(username="wangfang", real_name="王芳")
    role_grant(user=staff, role=Role.AGENCY_STAFF, organization=agency, actor=None)
    experts = [
        UserFactory(username=f"expert{n}", real_name=name, roles=[Role.PANEL_EXPERT])
        for n, name in enumerate(["赵一", "钱二", "孙三"], start=1)
    ]
    chairman = UserFactory(username="chairman", real_name="李主任", roles=[Role.COMMITTEE_CHAIRMAN])
    members = [
        UserFactory(username=f"member{n}", real_name=f"委员{n}", roles=[Role.COMMITTEE_MEMBER])
        for n in (1, 2, 3)
    ]
    committee = Committee.objects.create(name="北京市高层次人才职称评审委员会", chairman=chairman)
    committee.members.add(*members)
    bureau = bureau_staff(username="chenjing", real_name="陈静")
    for person in [staff, *experts, chairman, *members, bureau]:
        TOTPDevice.objects.create(user=person, name="default", confirmed=True)
    return employer, discipline_of(), staff, experts, chairman, members, bureau


@pytest.mark.django_db(transaction=True)
def test_one_application_through_every_stage(live_server, tmp_path):
    employer, found, staff, experts, chairman, members, bureau_user = the_cast()
    pdf = tmp_path / "证明材料.pdf"
    pdf.write_bytes(pdf_bytes())
    url = live_server.url
    audit = Audit()

    with (
        time_machine.travel(timezone.now(), tick=True) as clock,
        chromium() as browser,
    ):
        # Stage 1: the applicant signs up and fills the guided form.
        applicant = context(browser).new_page()
        applicant.goto(url + "/accounts/signup/")
        audit.page(applicant, "signup")
        applicant.fill("#id_username", "zhangming")
        applicant.fill("#id_real_name", "张明")
        applicant.fill("#id_email", "zhangming@example.cn")
        applicant.fill("#id_password1", NEW_PASSWORD)
        applicant.fill("#id_password2", NEW_PASSWORD)
        submit_form_of(applicant, "#id_username")
        assert applicant.url == url + "/applications/new/"  # signing up lands on starting
        audit.page(applicant, "dashboard-new")
        applicant.locator("form[action='/applications/new/'] button").click()
        applicant.wait_for_load_state()
        application_id = int(re.search(r"/applications/(\d+)/", applicant.url).group(1))
        detail = f"{url}/applications/{application_id}/"

        audit.page(applicant, "form-category")
        applicant.check("input[name=category][value=high_level]")
        applicant.select_option("#id_employer", str(employer.pk))
        applicant.fill("#id_department", "研发中心")
        submit_form_of(applicant, "#id_employer")

        applicant.fill("#id_real_name", "张明")
        applicant.fill("#id_phone", "13800138000")
        applicant.fill("#id_id_number", id_number_valid())
        applicant.select_option("#id_title_series", str(found.series_id))
        applicant.select_option("#id_discipline", str(found.pk))
        applicant.select_option("#id_level", "full_senior")
        audit.page(applicant, "form-personal")
        audit.shot(applicant, "2-guided-form")
        submit_form_of(applicant, "#id_phone")

        for field in (
            "academic_proficiency",
            "professional_competence",
            "work_achievements",
            "performance_contributions",
        ):
            applicant.fill(f"#id_{field}", "主持完成国家重点研发计划项目，成果已产业化。")
        audit.page(applicant, "form-achievements")
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
        audit.page(applicant, "form-materials")

        applicant.goto(f"{detail}edit/recommenders/")
        people = [
            ("expert", "", "李教授", "li@tsinghua.example.cn", "清华大学", "教授"),
            ("expert", "", "王研究员", "wang@cas.example.cn", "中国科学院", "研究员"),
            ("expert", "", "赵总工", "zhao@crrc.example.cn", "中车集团", "正高级工程师"),
            ("head", "organization_chief", "孙总经理", "sun@baai.example.cn", "北京智源", "总经理"),
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
        audit.page(applicant, "form-recommenders")

        # Three experts and a head answer through their links, with a code from their email.
        for index, (token, email) in enumerate(orm(tokens, application_id)):
            page = context(browser).new_page()
            page.goto(url + f"/recommend/{token}/")
            if index == 0:
                audit.page(page, "recommend-start")
            page.locator("form:has(input[value=send_code]) button").click()
            page.wait_for_load_state()
            page.fill("#id_code", orm(latest_code, email))
            submit_form_of(page, "#id_code")
            if index == 0:
                audit.page(page, "recommend-form")
            if page.locator("#id_senior_title").count():  # experts only, not the head
                page.fill("#id_senior_title", "教授")
                page.select_option("#id_senior_title_level", "full_senior")
                page.fill("#id_title_certificate_number", "ZG-2010-0001")
            page.fill("#id_field", "人工智能")
            page.fill("#id_opinion", "该同志业绩突出，同意推荐。")
            submit_form_of(page, "#id_opinion")
            assert page.locator(".ok").count() >= 1
            page.context.close()

        applicant.goto(f"{detail}edit/submit/")
        assert applicant.locator("ul.missing").count() == 0
        audit.page(applicant, "form-submit")
        applicant.check("#id_declaration")
        submit_form_of(applicant, "#id_declaration")
        assert applicant.url == detail
        assert orm(state_of, application_id) == ApplicationState.EMPLOYER_REVIEW

        # The employer's reviewer runs the internal notice; a colleague objects; dismissed.
        hr = context(browser).new_page()
        sign_in(hr, url, "lihua", audit=audit)
        hr.goto(url + "/employer/")
        audit.page(hr, "employer-queue")
        hr.locator(f"a[href='/applications/{application_id}/']").click()
        audit.page(hr, "employer-detail")
        hr.fill("#id_working_days", "5")
        submit_form_of(hr, "#id_working_days")
        assert "单位内部公示已发布。" in messages(hr)

        peer = context(browser).new_page()
        sign_in(peer, url, "wangwu")
        peer.goto(url + "/notices/internal/")
        audit.page(peer, "internal-notices")
        peer.locator(f"a[href='/applications/{application_id}/notice/']").click()
        audit.page(peer, "internal-notice")
        peer.fill("#id_statement", "其论文署名存在争议。")
        submit_form_of(peer, "#id_statement")
        assert "您的异议已收到" in messages(peer)
        peer.context.close()

        hr.goto(f"{detail}notice/")
        audit.page(hr, "internal-notice-decide")
        hr.check("input[name=decision][value=dismiss]")
        hr.fill("form[action*='/decide/'] textarea[name=reason]", "经核实，署名无争议。")
        submit(hr, "form[action*='/decide/']")
        assert "异议已处理。" in messages(hr)

        clock.move_to(orm(internal_notice_end, application_id) + timedelta(minutes=1))
        orm(sweep_run)
        # A week or more has passed (how much follows the calendar): the reviewer signs in again.
        sign_in(hr, url, "lihua")
        hr.goto(detail)
        hr.fill("#id_opinion", "该同志业绩突出，经公示无异议，同意推荐。")
        submit_form_of(hr, "#id_opinion")
        assert "单位推荐意见已报送评价服务机构。" in messages(hr)
        hr.context.close()
        assert orm(state_of, application_id) == ApplicationState.ELIGIBILITY_REVIEW

        # Stage 2: the agency accepts the application, then assigns three panel experts.
        desk = context(browser).new_page()
        sign_in(desk, url, "wangfang", orm(key_of, staff.pk), audit=audit)
        desk.goto(url + "/agency/")
        audit.page(desk, "agency-queue")
        audit.shot(desk, "3-agency-queue")
        desk.locator(f"a[href='/applications/{application_id}/']").click()
        audit.page(desk, "agency-detail")
        submit(desk, "form[action$='/eligibility/accept/']")
        assert "资格审核通过" in messages(desk)

        desk.goto(url + "/panel/")
        audit.page(desk, "panel-queue")
        desk.locator(f"a[href='/applications/{application_id}/panel/']").click()
        for person in experts:
            desk.select_option("#id_expert", str(person.pk))
            desk.locator("main form:not(.inline) button[type=submit]").click()
            desk.wait_for_load_state()
        assert desk.locator("main table tbody tr").count() == 3
        audit.page(desk, "panel-assignments")

        # Stage 3: each expert confirms and submits an opinion.
        for index, person in enumerate(experts):
            page = context(browser).new_page()
            sign_in(page, url, person.username, orm(key_of, person.pk))
            page.goto(url + "/review/")
            if index == 0:
                audit.page(page, "expert-queue")
            page.locator("main table tbody a").first.click()
            submit(page, "form[action$='/confirm/']")
            for number, dimension in enumerate(
                ["academic", "competence", "achievements", "contributions"]
            ):
                page.fill(f"#id_score_{dimension}", str(7 + number % 3))
                page.fill(f"#id_justification_{dimension}", "成果突出，论据充分。")
            page.select_option("#id_recommendation", "support")
            page.fill("#id_summary", "同意推荐。")
            if index == 0:
                audit.page(page, "expert-opinion")
            page.locator("button[name=submit]").click()
            page.wait_for_load_state()
            assert page.locator("button[name=submit]").count() == 0
            page.context.close()
        assert orm(state_of, application_id) == ApplicationState.COMMITTEE_REVIEW

        # Stage 4: the chairman schedules a meeting and runs it; the members vote in secret.
        chair = context(browser).new_page()
        sign_in(chair, url, "chairman", orm(key_of, chairman.pk))
        chair.goto(url + "/committee/")
        audit.page(chair, "meetings")
        starts = timezone.localtime() + timedelta(days=2)
        chair.fill("#id_starts_at", starts.strftime("%Y-%m-%dT09:30"))
        chair.fill("#id_place", "北京市人力资源和社会保障局第一会议室")
        submit(chair, "form.meeting-create")
        assert "/committee/meetings/" in chair.url
        meeting_url = chair.url
        chair.select_option("#id_application", str(application_id))
        submit(chair, "form[action$='/agenda/']")
        audit.page(chair, "meeting-scheduled")
        clock.move_to(starts.replace(hour=9, minute=35))
        # Two days on: a two-factor session ends after 8 idle hours; the chairman signs in again.
        sign_in(chair, url, "chairman", orm(key_of, chairman.pk))
        chair.goto(meeting_url)
        submit(chair, "form.meeting-open")
        assert "会议已开始" in messages(chair)
        for box in chair.locator("form.roll-call input[type=checkbox]").all():
            box.check()
        submit(chair, "form.roll-call")
        audit.page(chair, "meeting-open")
        chair.locator("main a[href^='/committee/items/']").first.click()
        item_url = chair.url
        submit(chair, "form.ballot-open")

        voters = [chair]
        for person in members:
            page = context(browser).new_page()
            sign_in(page, url, person.username, orm(key_of, person.pk))
            voters.append(page)
        for index, page in enumerate(voters):
            page.goto(item_url)
            if index == 1:
                audit.page(page, "ballot")
                audit.shot(page, "4-ballot", full_page=False)
            page.check("input[name=choice][value=consent]")
            submit(page, "form.vote")
            assert "您已投票。投票不可更改" in messages(page)
        chair.reload()
        submit(chair, "form.ballot-close")
        audit.page(chair, "ballot-close-confirm")
        confirm(chair, "0名出席委员尚未投票。")
        assert chair.locator(".result").inner_text().startswith("通过")
        audit.page(chair, "ballot-closed")
        chair.goto(meeting_url)
        submit(chair, "form.meeting-close")
        confirm(chair, "会议结束后")
        chair.goto(meeting_url + "minutes/")
        submit(chair, "form.minutes-sign")
        assert "会议纪要已签署" in messages(chair)
        audit.page(chair, "minutes")
        for page in voters:
            page.context.close()
        assert orm(state_of, application_id) == ApplicationState.BUREAU_REVIEW

        # Stage 5: the bureau publishes; a visitor objects; dismissed; the notice passes.
        bureau = context(browser).new_page()
        sign_in(bureau, url, "chenjing", orm(key_of, bureau_user.pk))
        bureau.goto(url + "/bureau/")
        audit.page(bureau, "bureau-queue")
        bureau.check(f"#choose-{application_id}")
        submit(bureau, "form[action$='/bureau/publish/']")
        audit.page(bureau, "publish-confirm")
        confirm(bureau, "张明")
        assert bureau.locator(".messages .success").count() == 1

        visitor = context(browser).new_page()
        visitor.goto(url + "/notices/")
        assert "张明" in visitor.locator("main").inner_text()
        audit.page(visitor, "public-notices")
        audit.shot(visitor, "5-public-notice")
        visitor.locator("tr", has_text="张明").locator("a").click()
        audit.page(visitor, "objection-form")
        visitor.fill("#id_real_name", "赵六")
        visitor.fill("#id_contact", "13911112222")
        visitor.fill("#id_statement", "据我所知，张明的专利并非其本人完成，请核查。")
        submit(visitor, "main form")
        assert visitor.locator(".reference-number").inner_text().startswith("YY")
        audit.page(visitor, "objection-received")

        bureau.goto(detail)
        audit.page(bureau, "bureau-detail")
        bureau.check("input[name=decision][value=dismiss]")
        bureau.fill("form[action*='/decide/'] textarea[name=reason]", "经核实，专利确系本人完成。")
        submit(bureau, "form[action*='/decide/']")
        assert "异议已处理。" in messages(bureau)

        clock.move_to(orm(public_notice_end) + timedelta(minutes=1))
        orm(sweep_run)
        visitor.goto(url + "/notices/")
        assert "张明" not in visitor.locator("main").inner_text()
        assert orm(state_of, application_id) == ApplicationState.CERTIFYING

        # The certificate: issued in-process, downloaded by the applicant, verified, revoked.
        certificate_pk = orm(issue, application_id)
        number = orm(certificate_number, certificate_pk)
        # Weeks have passed since the applicant signed up: they sign in again.
        sign_in(applicant, url, "zhangming", password=NEW_PASSWORD)
        audit.page(applicant, "dashboard-certified")
        audit.shot(applicant, "1-dashboard")
        applicant.goto(detail)
        audit.page(applicant, "detail-certified")
        with applicant.expect_download() as download:
            applicant.locator(".certificate-section a.button").click()
        document = Path(download.value.path()).read_bytes()
        assert document.startswith(b"%PDF")
        audit.pdf(document, "6-certificate")

        visitor.goto(url + "/verify/")
        audit.page(visitor, "verify")
        visitor.fill("#id_number", number)
        visitor.fill("#id_name", "张明")
        submit(visitor, "main form[method=get]")
        assert visitor.locator("section.verification-valid h2.result").count() == 1
        audit.page(visitor, "verify-valid")
        audit.shot(visitor, "7-verification")

        # The public notice has run for a week or more: bureau staff sign in again.
        sign_in(bureau, url, "chenjing", orm(key_of, bureau_user.pk))
        bureau.goto(detail)
        bureau.fill("form[action$='/revoke/'] textarea[name=reason]", "经查实，申报材料存在虚假。")
        submit(bureau, "form[action$='/revoke/']")
        confirm(bureau, "经查实，申报材料存在虚假。")

        visitor.goto(url + "/verify/")
        visitor.fill("#id_number", number)
        visitor.fill("#id_name", "张明")
        submit(visitor, "main form[method=get]")
        assert visitor.locator("section.verification-revoked h2.result").count() == 1
        audit.page(visitor, "verify-revoked")

    assert PublicObjection.objects.get().status == "dismissed"
    assert Certificate.objects.get(pk=certificate_pk).revoked_at is not None
    audit.assert_clean()
