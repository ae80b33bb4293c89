"""Two ways an application ends short of a certificate, seen in the browser:

- the agency asks for a supplement, nobody answers, and the sweep deems the application withdrawn;
- the committee's ballot falls short of two thirds, and the application is not approved.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from applications.enums import ApplicationState
from applications.models import Application, SupplementRequest
from committee.models import AgendaItem
from tests.applications.factories import complete_application, organization
from tests.browser import chromium, orm, sign_in
from tests.committee.factories import awaiting_committee, committee_of, meeting_of
from tests.factories import UserFactory
from tests.journey.a11y import Audit
from tests.journey.test_happy_path import context, key_of, messages, state_of, submit
from titles.enums import OrganizationKind, Role
from titles.people import role_grant
from titles.sweep import sweep_run

pytestmark = pytest.mark.browser


def supplement_due(application_id: int):
    return SupplementRequest.objects.get(application_id=application_id).due_at


@pytest.mark.django_db(transaction=True)
def test_unanswered_supplement_is_deemed_withdrawn(live_server):
    application = complete_application(eligibility_review=True)
    applicant = application.applicant
    applicant.username = "zhangming"
    applicant.save(update_fields=["username"])
    staff = UserFactory(username="wangfang", real_name="王芳")
    agency = organization(OrganizationKind.EVALUATION_AGENCY)
    role_grant(user=staff, role=Role.AGENCY_STAFF, organization=agency, actor=None)
    TOTPDevice.objects.create(user=staff, name="default", confirmed=True)
    with translation.override("zh-hans"):
        withdrawn = str(ApplicationState.WITHDRAWN.label)
    url = live_server.url
    detail = f"{url}/applications/{application.pk}/"
    audit = Audit()

    with time_machine.travel(timezone.now(), tick=True) as clock, chromium() as browser:
        desk = context(browser).new_page()
        sign_in(desk, url, "wangfang", orm(key_of, staff.pk))
        desk.goto(detail)
        desk.fill("#id_extra_1", "请补充学位证书原件扫描件")
        submit(desk, "form[action$='/supplement/request/']")
        assert "补正通知已发出" in messages(desk)

        person = context(browser).new_page()
        sign_in(person, url, "zhangming")
        person.goto(f"{detail}supplement/")
        assert "请补充学位证书原件扫描件" in person.locator("main").inner_text()
        audit.page(person, "supplement")

        # Nobody answers; the deadline passes; the sweep deems the application withdrawn.
        clock.move_to(orm(supplement_due, application.pk) + timedelta(minutes=1))
        orm(sweep_run)
        # Ten working days or more have passed (how many calendar days follows the calendar):
        # the applicant comes back and signs in again.
        sign_in(person, url, "zhangming")
        person.goto(detail)
        assert withdrawn in person.locator("main").inner_text()
        audit.page(person, "deemed-withdrawn")
        person.goto(url + "/notifications/")
        audit.page(person, "notifications")

    assert Application.objects.get(pk=application.pk).state == ApplicationState.WITHDRAWN
    assert SupplementRequest.objects.get(application=application).withdrawn_at is not None
    audit.assert_clean()


@pytest.mark.django_db(transaction=True)
def test_ballot_short_of_two_thirds_is_not_approved(live_server):
    committee = committee_of(3)
    application = awaiting_committee(employer_opinion="同意推荐。")
    meeting = meeting_of(committee, application)
    item = AgendaItem.objects.get(meeting=meeting)
    people = [committee.chairman, *committee.members.order_by("pk")]
    for person in people:
        TOTPDevice.objects.create(user=person, name="default", confirmed=True)
    url = live_server.url
    meeting_url = f"{url}/committee/meetings/{meeting.pk}/"
    item_url = f"{url}/committee/items/{item.pk}/"
    audit = Audit()

    with chromium() as browser:
        pages = []
        for person in people:
            page = context(browser).new_page()
            sign_in(page, url, person.username, orm(key_of, person.pk))
            pages.append(page)
        chair = pages[0]
        chair.goto(meeting_url)
        submit(chair, "form.meeting-open")
        for box in chair.locator("form.roll-call input[type=checkbox]").all():
            box.check()
        submit(chair, "form.roll-call")
        chair.goto(item_url)
        submit(chair, "form.ballot-open")

        # Two consent of four present: two thirds is not reached.
        for page, choice in zip(pages, ["consent", "consent", "oppose", "abstain"], strict=True):
            page.goto(item_url)
            page.check(f"input[name=choice][value={choice}]")
            submit(page, "form.vote")
            assert "您已投票。投票不可更改" in messages(page)
        chair.reload()
        submit(chair, "form.ballot-close")
        audit.page(chair, "ballot-close-confirm")
        submit(chair, "form.confirm")  # the confirmation page (issue #22)
        assert chair.locator(".result").inner_text().startswith("未通过")
        audit.page(chair, "ballot-not-approved")
        chair.goto(meeting_url)
        submit(chair, "form.meeting-close")
        submit(chair, "form.confirm")
        audit.page(chair, "meeting-closed")
        assert orm(state_of, application.pk) == ApplicationState.NOT_APPROVED

    item = AgendaItem.objects.get(pk=item.pk)
    assert (item.consent, item.oppose, item.abstain, item.approved) == (2, 1, 1, False)
    audit.assert_clean()
