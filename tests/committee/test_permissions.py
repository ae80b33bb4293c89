"""``committee.permissions.can_vote`` (what the item page offers) and the cast statement
(``committee.services._CAST_SQL``, what is accepted) are the same rule: for every combination
of the ballot's and the meeting's status, presence and recusal, the page offers the vote exactly
when the service takes it."""

import itertools

import pytest

from committee import permissions, selectors, services
from committee.enums import BallotStatus, Choice, MeetingStatus
from committee.errors import RuleViolation
from committee.models import (
    AgendaItem,
    Attendance,
    EncryptedBallot,
    Meeting,
    Participation,
    Recusal,
)
from tests.committee.factories import in_session

pytestmark = pytest.mark.django_db


def test_may_vote_is_exactly_what_the_cast_statement_accepts():
    meeting, [item], voters, chairman = in_session(members=2)
    services.ballot_open(item=item, actor=chairman)
    member = voters[1]
    offered = {}
    for ballot, session, present, recused in itertools.product(
        BallotStatus.values, MeetingStatus.values, (True, False), (True, False)
    ):
        AgendaItem.objects.filter(pk=item.pk).update(status=ballot)
        Meeting.objects.filter(pk=meeting.pk).update(status=session)
        Attendance.objects.filter(meeting=meeting, member=member).delete()
        Recusal.objects.filter(item=item, member=member).delete()
        if present:
            Attendance.objects.create(meeting=meeting, member=member)
        if recused:
            Recusal.objects.create(item=item, member=member, reason="本单位同事")
        page_item = selectors.items_visible_to(member).get(pk=item.pk)
        may_vote = permissions.can_vote(
            member,
            page_item,
            present=selectors.present_member_ids(meeting),
            recused=selectors.recused_member_ids(page_item),
        )
        try:
            services.ballot_cast(item=page_item, member=member, choice=Choice.CONSENT)
        except RuleViolation:
            cast = False
        else:
            cast = True
        combination = (ballot, session, present, recused)
        assert (combination, may_vote) == (combination, cast)
        offered[combination] = may_vote
        Participation.objects.filter(item=item).delete()
        EncryptedBallot.objects.filter(item=item).delete()
    # Exactly one combination lets a member vote.
    assert [combination for combination, yes in offered.items() if yes] == [
        (BallotStatus.OPEN, MeetingStatus.OPEN, True, False)
    ]
