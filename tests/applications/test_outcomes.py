"""Rule 13: every decision against the applicant shows its reason and the next step, at the top
of the applicant's page and in the email, in the applicant's language."""

import pytest
from django.test import Client

from applications import services
from applications.enums import ApplicationState
from applications.models import Application
from committee import services as committee_services
from tests.applications.test_eligibility import agency_staff
from tests.applications.test_services import reviewer_for
from tests.committee.factories import in_session
from titles.models import OutboxEmail

pytestmark = pytest.mark.django_db
S = ApplicationState


def top_of_page(application, language="en") -> str:
    client = Client()
    client.force_login(application.applicant)
    client.cookies["django_language"] = language
    html = client.get(f"/applications/{application.pk}/").content.decode()
    if 'class="panel decision-against"' not in html:
        return ""
    return html.split('class="panel decision-against"', 1)[1].split("</section>", 1)[0]


def test_a_return_shows_its_reason_and_to_resubmit():
    from tests.applications.factories import application_in

    application = application_in(S.EMPLOYER_REVIEW)
    services.application_return(
        application=application, actor=reviewer_for(application), reason="业绩材料缺少证明"
    )
    box = top_of_page(Application.objects.get(pk=application.pk))
    assert "<h2>Your application was returned for changes</h2>" in box
    assert "业绩材料缺少证明" in box
    assert "What you can do: correct the application and submit it again." in box


def test_ineligibility_shows_the_reason_and_the_bureaus_review_route_in_chinese():
    from tests.applications.factories import application_in

    application = application_in(S.ELIGIBILITY_REVIEW)
    application.applicant.preferred_language = "zh-hans"
    application.applicant.save()
    services.eligibility_reject(
        application=application, actor=agency_staff(), reason="不符合破格条件"
    )
    box = top_of_page(Application.objects.get(pk=application.pk), language="zh-hans")
    assert "不符合破格条件" in box
    assert application.reference in box
    assert "What you can do" not in box
    email = OutboxEmail.objects.get(kind="eligibility_rejected", recipient=application.applicant)
    assert "不符合破格条件" in email.body
    assert f"申请复核（注明申报编号 {application.reference}）" in email.body


def test_not_approved_by_the_committee_shows_the_ballot_and_the_rule():
    meeting, [item], voters, chairman = in_session(members=3)
    item.application.applicant.preferred_language = "en"
    item.application.applicant.save()
    committee_services.ballot_open(item=item, actor=chairman)
    for voter, choice in zip(voters, ["consent", "consent", "oppose", "abstain"], strict=True):
        committee_services.ballot_cast(item=item, member=voter, choice=choice)
    committee_services.ballot_close(item=item, actor=chairman)
    committee_services.meeting_close(meeting=meeting, actor=chairman)
    application = Application.objects.get(pk=item.application_id)
    assert application.state == S.NOT_APPROVED
    box = top_of_page(application)
    assert (
        "<h2>The evaluation and certification committee did not approve your application</h2>"
        in box
    )
    assert (
        "2 of the 4 members present consented (3 × 2 = 6 ≤ 2 × 4 = 8: not more than two "
        "thirds); the rule: approved when consent votes are more than two-thirds of the members "
        "present." in box
    )
    email = OutboxEmail.objects.get(kind="committee_not_approved")
    assert "2 of the 4 members present voted in favour" in email.body
    assert "3 × 2 = 6 is not more than 2 × 4 = 8" in email.body
    assert "ask the Beijing Municipal Bureau of Human Resources and Social Security" in email.body


def test_nothing_shows_to_others_or_without_a_decision_against():
    from tests.applications.factories import application_in

    application = application_in(S.PANEL_REVIEW)
    assert top_of_page(application) == ""
