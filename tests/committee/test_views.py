from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from committee import services
from committee.models import Meeting
from tests.committee.factories import committee_of, in_session, meeting_of
from tests.factories import UserFactory, sign_in_verified
from titles.enums import Role


def client_of(user) -> Client:
    return sign_in_verified(Client(), user)


@pytest.mark.django_db
def test_item_page_shows_turnout_but_no_tally_while_the_ballot_is_open():
    _meeting, [item], voters, chairman = in_session(members=3)
    services.ballot_open(item=item, actor=chairman)
    services.ballot_cast(item=item, member=voters[1], choice="oppose")
    services.ballot_cast(item=item, member=voters[2], choice="oppose")
    page = client_of(chairman).get(f"/committee/items/{item.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "2 of 4 members have voted." in html
    assert "Votes cast" not in html
    assert 'class="tallies"' not in html
    assert "Cast my vote" in html  # the chairman has not voted yet
    voted = client_of(voters[1]).get(f"/committee/items/{item.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<p class="ok voted">You have voted.</p>' in voted.content.decode()
    assert f'action="/committee/items/{item.pk}/vote/"' not in voted.content.decode()


@pytest.mark.django_db
def test_item_page_names_who_has_not_voted_and_offers_no_close_until_all_have():
    """Issue #27: the page says who has not voted yet (names, never choices); the chairman can
    close only when nobody is left, and a close posted before that is refused with the rule."""
    _meeting, [item], voters, chairman = in_session(members=3)
    services.recusal_declare(item=item, member=voters[3], actor=voters[3], reason="曾是其导师")
    services.ballot_open(item=item, actor=chairman)
    services.ballot_cast(item=item, member=voters[1], choice="oppose")
    client = client_of(chairman)
    client.cookies["django_language"] = "en"
    html = client.get(f"/committee/items/{item.pk}/").content.decode()
    listed = html.split('<ul class="yet-to-vote"', 1)[1].split("</ul>", 1)[0]
    assert listed.count("<li>") == 2
    assert voters[0].display_name in listed and voters[2].display_name in listed
    assert voters[1].display_name not in listed and voters[3].display_name not in listed
    assert "oppose" not in listed.lower()
    assert 'class="inline ballot-close"' not in html
    assert "The ballot can be closed once every member present and not recused has voted" in html
    asked = client.post(f"/committee/items/{item.pk}/ballot/close/").content.decode()
    assert "2 members present have not voted yet." in asked
    refused = client.post(
        f"/committee/items/{item.pk}/ballot/close/", {"confirmed": "1"}, follow=True
    )
    assert (
        "The ballot closes only when every member present and not recused has voted "
        "(abstaining is a vote): 2 not yet, listed on the page." in refused.content.decode()
    )
    for voter in (voters[0], voters[2]):
        services.ballot_cast(item=item, member=voter, choice="abstain")
    html = client.get(f"/committee/items/{item.pk}/").content.decode()
    assert 'class="yet-to-vote"' not in html
    assert 'class="inline ballot-close"' in html


@pytest.mark.django_db
def test_item_page_shows_the_tally_after_close():
    _meeting, [item], voters, chairman = in_session(members=2)
    services.ballot_open(item=item, actor=chairman)
    for voter in voters:
        services.ballot_cast(item=item, member=voter, choice="consent")
    services.ballot_close(item=item, actor=chairman)
    client = client_of(voters[1])
    client.cookies["django_language"] = "en"
    html = client.get(f"/committee/items/{item.pk}/").content.decode()
    assert 'class="tallies"' in html
    assert '<th scope="row">Consent</th><td>3</td>' in html


@pytest.mark.django_db
def test_cast_view_refuses_a_second_vote_with_a_message():
    _meeting, [item], voters, chairman = in_session(members=2)
    services.ballot_open(item=item, actor=chairman)
    client = client_of(voters[1])
    client.cookies["django_language"] = "en"
    first = client.post(f"/committee/items/{item.pk}/vote/", {"choice": "consent"}, follow=True)
    assert "Your vote was cast." in first.content.decode()
    second = client.post(f"/committee/items/{item.pk}/vote/", {"choice": "oppose"}, follow=True)
    assert second.status_code == 200
    assert "You have already voted on this application." in second.content.decode()


@pytest.mark.django_db
def test_a_member_cannot_open_the_ballot_through_the_page():
    _meeting, [item], voters, _chairman = in_session(members=2)
    client = client_of(voters[1])
    client.cookies["django_language"] = "en"
    page = client.post(f"/committee/items/{item.pk}/ballot/open/", follow=True)
    assert "Only the chairman of the committee may do this." in page.content.decode()


@pytest.mark.django_db
def test_someone_outside_the_committee_gets_404_everywhere():
    meeting, [item], _voters, _chairman = in_session(members=1)
    other = UserFactory(roles=[Role.COMMITTEE_MEMBER])
    client = client_of(other)
    for url in [
        f"/committee/meetings/{meeting.pk}/",
        f"/committee/items/{item.pk}/",
        f"/committee/meetings/{meeting.pk}/minutes/",
        f"/applications/{item.application_id}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"/committee/items/{item.pk}/vote/", {"choice": "consent"}).status_code == 404
    )


@pytest.mark.django_db
def test_a_member_opens_the_application_page_of_an_agenda_item():
    _meeting, [item], voters, _chairman = in_session(members=1)
    page = client_of(voters[1]).get(f"/applications/{item.application_id}/")
    assert page.status_code == 200


@pytest.mark.django_db
def test_the_chairman_schedules_a_meeting_on_the_page():
    meeting, _items, _voters, chairman = in_session(members=1, items=0)
    later = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT14:00")
    page = client_of(chairman).post(
        "/committee/meetings/new/",
        {"starts_at": later, "place": "", "online_link": "https://meet.example.cn/1"},
    )
    made = Meeting.objects.exclude(pk=meeting.pk).get()
    assert page.status_code == 302
    assert page["Location"] == f"/committee/meetings/{made.pk}/"
    assert made.online_link == "https://meet.example.cn/1"


@pytest.mark.django_db
def test_the_minutes_pdf_is_a_pdf_after_the_meeting():
    meeting, [_item], voters, chairman = in_session(members=1)
    services.meeting_close(meeting=meeting, actor=chairman)
    response = client_of(voters[1]).get(f"/committee/meetings/{meeting.pk}/minutes.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def meetings_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/committee/").status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_meeting_list_takes_the_same_number_of_queries_for_one_or_five_meetings():
    committee = committee_of(2)
    meeting_of(committee)
    client = client_of(committee.chairman)
    one = meetings_page_queries(client)
    for _ in range(4):
        meeting_of(committee)
    assert meetings_page_queries(client) == one


@pytest.mark.django_db
def test_dashboard_shows_the_members_meetings():
    committee = committee_of(1)
    meeting = meeting_of(committee)
    page = client_of(committee.members.get()).get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert f'href="/committee/meetings/{meeting.pk}/"' in page.content.decode()


@pytest.mark.django_db
def test_application_page_shows_the_committee_decision_to_a_member():
    meeting, [item], voters, chairman = in_session(members=1)
    services.ballot_open(item=item, actor=chairman)
    for voter in voters:
        services.ballot_cast(item=item, member=voter, choice="consent")
    services.ballot_close(item=item, actor=chairman)
    page = client_of(voters[1]).get(
        f"/applications/{item.application_id}/", HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert "2 consent of 2 present" in html
    assert f'href="/committee/meetings/{meeting.pk}/minutes/"' in html
    assert (
        '<p class="muted rule">Rule: approved when consent votes are more than two-thirds of the '
        "members present (3 × 2 = 6 &gt; 2 × 2 = 4: more than two thirds).</p>"
    ) in html


@pytest.mark.django_db
def test_item_page_tells_a_recused_member_why():
    from applications.parties import conflict_declare

    _meeting, [item], voters, chairman = in_session(members=2)
    conflict_declare(
        application=item.application, person=voters[1], stage="panel", reason="曾是其导师"
    )
    with translation.override("en"):  # the reason is written in the chairman's language
        services.ballot_open(item=item, actor=chairman)
    client = client_of(voters[1])
    client.cookies["django_language"] = "en"
    html = client.get(f"/committee/items/{item.pk}/").content.decode()
    assert (
        '<p class="overdue my-recusal">You are recused for this application and do not vote: '
        "declared a conflict of interest: 曾是其导师</p>" in html
    )
    assert "Cast my vote" not in html


@pytest.mark.django_db
def test_item_page_refuses_a_ballot_nobody_may_vote_on_with_the_reason():
    _meeting, [item], _voters, chairman = in_session(members=0)
    services.recusal_declare(item=item, member=chairman, actor=chairman, reason="近亲属")
    client = client_of(chairman)
    client.cookies["django_language"] = "en"
    page = client.post(f"/committee/items/{item.pk}/ballot/open/", follow=True)
    assert "Every member present is recused for this application" in page.content.decode()
    item.refresh_from_db()
    assert item.ballot_pending


@pytest.mark.django_db
def test_meeting_page_shows_the_quorum_and_who_presides():
    committee = committee_of(4)
    vice = committee.members.order_by("pk").first()
    committee.vice_chairman = vice
    committee.save()
    meeting = meeting_of(committee)
    services.meeting_open(meeting=meeting, actor=vice)
    services.roll_call(meeting=meeting, actor=vice, present_ids={vice.pk})
    client = client_of(vice)
    client.cookies["django_language"] = "en"
    html = client.get(f"/committee/meetings/{meeting.pk}/").content.decode()
    assert (
        f'<p class="presiding">Presided by the vice-chairman {vice.display_name} in the '
        "chairman's absence.</p>" in html
    )
    assert (
        '<p class="quorum overdue">Quorum: 4 of the 5 members must be present for the meeting '
        "to proceed. Not reached: no ballot can open.</p>" in html
    )
