"""Who may do what in the committee (small predicates on role and state)."""

from committee.enums import BallotStatus, MeetingStatus


def is_in_committee(user, committee) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        user.pk in {committee.chairman_id, committee.vice_chairman_id}
        or committee.members.filter(pk=user.pk).exists()
    )


def may_preside(user, committee) -> bool:
    """The chairman, or the vice-chairman (who presides in the chairman's absence)."""
    return getattr(user, "is_authenticated", False) and user.pk in {
        committee.chairman_id,
        committee.vice_chairman_id,
    } - {None}


def can_run(user, meeting) -> bool:
    """The member presiding runs the meeting: roll, ballots, close, minutes (rule 6). Before
    it opens, the chairman or the vice-chairman may prepare it (agenda) and open it; from then
    on, whoever presides (``meeting.presided_by``)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if meeting.presided_by_id is not None:
        return user.pk == meeting.presided_by_id
    return may_preside(user, meeting.committee)


def can_open_ballot(user, item) -> bool:
    """The chairman, for an item still pending while its meeting is open."""
    return can_run(user, item.meeting) and item.ballot_pending and item.meeting.is_open


def can_close_ballot(user, item) -> bool:
    return can_run(user, item.meeting) and item.ballot_open


def can_edit_agenda(user, meeting) -> bool:
    return can_run(user, meeting) and meeting.status == MeetingStatus.SCHEDULED


def can_sign_minutes(user, meeting) -> bool:
    return (
        can_run(user, meeting)
        and meeting.status == MeetingStatus.CLOSED
        and meeting.minutes_signed_at is None
    )


def can_vote(user, item, *, present: set[int], recused: set[int]) -> bool:
    """Rule 6: while the item's ballot and its meeting are open, a member present at the
    meeting (``present``: their ids) and not recused for the item (``recused``) may vote.

    ``services.ballot_cast`` applies the same rule in its one SQL statement (``_CAST_SQL``);
    ``tests/committee/test_voting.py`` keeps the two equal for every combination.
    """
    return (
        item.status == BallotStatus.OPEN
        and item.meeting.status == MeetingStatus.OPEN
        and user.pk in present
        and user.pk not in recused
    )


def tallies_visible(item) -> bool:
    """Rule 7: the counts are shown only once the chairman has closed the item's ballot."""
    return item.status == BallotStatus.CLOSED
