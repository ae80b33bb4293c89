"""Issue #22: committee members are told when a meeting is scheduled and when a ballot opens
(the chairman who did it is not), and the item page's script reads the count as JSON."""

import pytest
from django.test import Client

from committee import services
from committee.models import Recusal
from tests.committee.factories import committee_of, in_session, meeting_of
from tests.factories import sign_in_verified
from titles.models import Notification, OutboxEmail

pytestmark = pytest.mark.django_db


def told(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_scheduling_a_meeting_tells_every_member_but_the_chairman():
    committee = committee_of(3)
    meeting = meeting_of(committee)
    members = set(committee.members.values_list("pk", flat=True))
    assert told("committee_meeting_scheduled") == members
    notice = Notification.objects.filter(kind="committee_meeting_scheduled").first()
    assert notice.url == f"/committee/meetings/{meeting.pk}/"
    assert OutboxEmail.objects.filter(recipient_id__in=members).count() == 3


def test_opening_a_ballot_tells_who_votes_on_it():
    _meeting, [item], voters, chairman = in_session(members=3, absent=1)
    Recusal.objects.create(item=item, member=voters[1], reason="同一单位")
    Notification.objects.all().delete()
    services.ballot_open(item=item, actor=chairman)
    # Present: the chairman and two members; one recused; the chairman opened it.
    assert told("committee_ballot_opened") == {voters[2].pk}
    notice = Notification.objects.get(kind="committee_ballot_opened")
    assert notice.url == f"/committee/items/{item.pk}/"
    assert item.application.reference in notice.text


def test_the_ballot_status_counts_names_and_changes_stage_when_all_voted():
    _meeting, [item], voters, chairman = in_session(members=2)
    client = sign_in_verified(Client(), voters[1])
    url = f"/committee/items/{item.pk}/ballot/status/"
    assert client.get(url).json()["stage"] == "pending:waiting"
    services.ballot_open(item=item, actor=chairman)
    services.ballot_cast(item=item, member=voters[0], choice="consent")
    status = client.get(url).json()
    assert status["stage"] == "open:waiting"
    assert (status["voted"], status["eligible"]) == (1, 3)
    assert set(status["yet_to_vote"]) == {voters[1].display_name, voters[2].display_name}
    assert "consent" not in str(status)
    for voter in voters[1:]:
        services.ballot_cast(item=item, member=voter, choice="oppose")
    assert client.get(url).json()["stage"] == "open:all"
    outsider = sign_in_verified(Client(), committee_of(1, name="另一评审委员会").chairman)
    assert outsider.get(url).status_code == 404
