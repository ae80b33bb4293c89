"""The meeting page's agenda: every item, its applicant, at a cost that does not grow."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from committee import services
from committee.models import Meeting
from tests.committee.factories import awaiting_committee, committee_of, in_session, meeting_of
from tests.factories import sign_in_verified

pytestmark = pytest.mark.django_db


def agenda_page(client, meeting) -> tuple[str, int]:
    url = f"/committee/meetings/{meeting.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_agenda_lists_every_item_in_order_at_the_same_cost_for_one_or_six_items():
    committee = committee_of(2)
    client = sign_in_verified(Client(), committee.chairman)
    one = meeting_of(committee, awaiting_committee())
    _page, queries_for_one = agenda_page(client, one)
    applications = [awaiting_committee() for _ in range(6)]
    six = meeting_of(committee, *applications)
    page, queries_for_six = agenda_page(client, six)
    assert queries_for_six == queries_for_one
    positions = [page.index(a.reference) for a in applications]
    assert positions == sorted(positions)
    for application in applications:
        assert application.applicant.display_name in page


def test_a_closed_meeting_page_links_to_the_minutes_without_reading_the_pdf():
    meeting, [item], voters, chairman = in_session(members=1)
    services.meeting_close(meeting=meeting, actor=chairman)
    Meeting.objects.filter(pk=meeting.pk).update(minutes_pdf=b"%PDF-1.7 minutes")
    client = sign_in_verified(Client(), voters[1])
    url = f"/committee/meetings/{meeting.pk}/"
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert f"/committee/meetings/{meeting.pk}/minutes" in page
    assert item.application.reference in page
    assert not any('"minutes_pdf"' in query["sql"] for query in queries.captured_queries)
