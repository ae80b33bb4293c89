"""The chairman builds the agenda from a filtered list in one step (issue #23)."""

import pytest
from django.conf import settings

from committee.models import AgendaItem
from tests.committee.factories import awaiting_committee, committee_of, meeting_of
from tests.factories import UserFactory, sign_in_verified

pytestmark = pytest.mark.django_db


def chairman_client(client, committee):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_in_verified(client, committee.chairman)
    return client


def test_the_chairman_puts_every_matching_application_on_the_agenda(client):
    committee = committee_of(2)
    meeting = meeting_of(committee)
    zhang = [awaiting_committee(applicant=UserFactory(real_name=f"张{n}")) for n in range(3)]
    other = awaiting_committee(applicant=UserFactory(real_name="李雷"))
    chairman_client(client, committee)
    url = f"/committee/meetings/{meeting.pk}/agenda/build/"
    page = client.get(url + "?q=张").content.decode()
    assert "Put all 3 matching applications on the agenda" in page
    response = client.post(url, {"query": "q=张", "all_matching": "1"})
    assert response.status_code == 302
    on_agenda = list(meeting.items.order_by("position").values_list("application_id", flat=True))
    assert sorted(on_agenda) == sorted(a.pk for a in zhang)
    assert not AgendaItem.objects.filter(application=other).exists()


def test_the_chairman_puts_the_chosen_ones_on_the_agenda(client):
    committee = committee_of(2)
    meeting = meeting_of(committee)
    first, second = awaiting_committee(), awaiting_committee()
    chairman_client(client, committee)
    url = f"/committee/meetings/{meeting.pk}/agenda/build/"
    client.post(url, {"query": "", "applications": [str(second.pk), "x"]})
    assert list(meeting.items.values_list("application_id", flat=True)) == [second.pk]
    # nothing chosen: a message, nothing added
    response = client.post(url, {"query": ""}, follow=True)
    assert "Choose at least one application for the agenda." in response.content.decode()
    assert meeting.items.count() == 1
    assert first.pk not in meeting.items.values_list("application_id", flat=True)


def test_only_the_chairman_builds_the_agenda(client):
    committee = committee_of(2)
    meeting = meeting_of(committee)
    awaiting_committee()
    member = committee.members.exclude(pk=committee.chairman_id).first()
    sign_in_verified(client, member)
    url = f"/committee/meetings/{meeting.pk}/agenda/build/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"query": "", "all_matching": "1"}).status_code == 404
    assert meeting.items.count() == 0


def test_a_meetings_results_export_shows_counts_of_closed_ballots_only(client):
    import io

    from openpyxl import load_workbook

    from committee import services
    from tests.committee.factories import in_session

    meeting, [decided, pending], voters, chairman = in_session(members=2, items=2)
    services.ballot_open(item=decided, actor=chairman)
    for voter in voters:
        services.ballot_cast(item=decided, member=voter, choice="consent")
    services.ballot_close(item=decided, actor=chairman)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_in_verified(client, chairman)
    response = client.get(f"/committee/meetings/{meeting.pk}/?format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    header, *rows = list(book.active.iter_rows(values_only=True))
    by_reference = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    first = by_reference[decided.application.reference]
    assert (first["Present"], first["Consent"], first["Result"]) == (3, 3, "Approved")
    second = by_reference[pending.application.reference]
    assert (second["Consent"], second["Result"]) == (None, None)


@pytest.mark.parametrize("count", [1, 6])
def test_the_agenda_builder_takes_the_same_queries_at_any_size(
    client, django_assert_num_queries, count
):
    committee = committee_of(2)
    meeting = meeting_of(committee)
    for _ in range(count):
        awaiting_committee()
    chairman_client(client, committee)
    url = f"/committee/meetings/{meeting.pk}/agenda/build/"
    client.get(url)
    # session, user, device; the meeting; the rounds, the count, the page's ids and rows
    with django_assert_num_queries(8):
        page = client.get(url).content.decode()
    assert page.count('name="applications"') == count
