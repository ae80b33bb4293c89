"""A cast is one SQL statement (issue #12): every rule of ``ballot_cast`` still holds, exactly."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from committee import services
from committee.enums import BallotStatus, MeetingStatus
from committee.errors import AlreadyVoted, RuleViolation
from committee.models import AgendaItem, EncryptedBallot, Meeting, Participation
from tests.applications.test_concurrency import race
from tests.committee.factories import in_session

NOT_OPEN = "The ballot on this application is not open."


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def rows(item) -> tuple[int, int]:
    return (
        Participation.objects.filter(item=item).count(),
        EncryptedBallot.objects.filter(item=item).count(),
    )


def abstain_the_rest(item, voters):
    """The members who have not voted abstain: a ballot closes only when everyone has (#27)."""
    for voter in voters:
        if not Participation.objects.filter(item=item, member=voter).exists():
            services.ballot_cast(item=item, member=voter, choice="abstain")


def opened(members=3, **kwargs):
    meeting, [item], voters, chairman = in_session(members=members, **kwargs)
    services.ballot_open(item=item, actor=chairman)
    return meeting, AgendaItem.objects.get(pk=item.pk), voters, chairman


@pytest.mark.django_db
def test_a_cast_is_one_statement_and_writes_one_participation_and_one_sealed_ballot():
    _meeting, item, voters, chairman = opened()
    with CaptureQueriesContext(connection) as queries:
        services.ballot_cast(item=item, member=voters[1], choice="oppose")
    assert len(queries) == 1
    assert rows(item) == (1, 1)
    participation = Participation.objects.get(item=item)
    assert participation.member_id == voters[1].pk
    abstain_the_rest(item, voters)
    closed = services.ballot_close(item=item, actor=chairman)
    assert (closed.votes_cast, closed.consent, closed.oppose, closed.abstain) == (4, 0, 1, 3)


@pytest.mark.django_db
def test_an_item_loaded_before_the_ballot_opened_is_sealed_to_the_stored_key():
    _meeting, [item], voters, chairman = in_session(members=2)
    services.ballot_open(item=item, actor=chairman)
    assert item.public_key is None  # this copy was loaded before the open
    with CaptureQueriesContext(connection) as queries:
        services.ballot_cast(item=item, member=voters[1], choice="consent")
    assert len(queries) == 2  # the first wrote nothing and answered the key
    assert rows(item) == (1, 1)
    with pytest.raises(AlreadyVoted):
        services.ballot_cast(item=item, member=voters[1], choice="consent")
    abstain_the_rest(item, voters)
    closed = services.ballot_close(item=item, actor=chairman)
    assert (closed.votes_cast, closed.consent) == (3, 1)


@pytest.mark.django_db
def test_a_second_cast_raises_already_voted_and_writes_nothing():
    _meeting, item, voters, chairman = opened()
    services.ballot_cast(item=item, member=voters[2], choice="consent")
    with pytest.raises(AlreadyVoted) as error:
        services.ballot_cast(item=item, member=voters[2], choice="oppose")
    assert str(error.value.message) == "You have already voted on this application."
    assert rows(item) == (1, 1)
    # Inside a surrounding transaction the refusal leaves it usable (no failed statement).
    with transaction.atomic():
        with pytest.raises(AlreadyVoted):
            services.ballot_cast(item=item, member=voters[2], choice="abstain")
        services.ballot_cast(item=item, member=voters[1], choice="oppose")
    abstain_the_rest(item, voters)
    closed = services.ballot_close(item=item, actor=chairman)
    assert (closed.votes_cast, closed.consent, closed.oppose, closed.abstain) == (4, 1, 1, 2)


@pytest.mark.django_db
def test_an_absent_member_is_refused_and_nothing_is_written():
    meeting, item, _voters, _chairman = opened(members=3, absent=1)
    absent = meeting.committee.members.order_by("-pk").first()
    with pytest.raises(RuleViolation) as error:
        services.ballot_cast(item=item, member=absent, choice="consent")
    assert str(error.value.message) == "Only members present at the meeting may vote."
    assert not isinstance(error.value, AlreadyVoted)
    assert rows(item) == (0, 0)


@pytest.mark.django_db
def test_a_recused_member_is_refused_and_the_others_vote():
    _meeting, [item], voters, chairman = in_session(members=3)
    services.recusal_declare(item=item, member=voters[1], actor=voters[1], reason="曾是其导师")
    services.ballot_open(item=item, actor=chairman)
    item = AgendaItem.objects.get(pk=item.pk)
    with pytest.raises(RuleViolation) as error:
        services.ballot_cast(item=item, member=voters[1], choice="consent")
    assert str(error.value.message) == "You are recused for this application and may not vote."
    assert rows(item) == (0, 0)
    services.ballot_cast(item=item, member=voters[2], choice="consent")
    assert rows(item) == (1, 1)


@pytest.mark.django_db
def test_a_closed_ballot_or_a_meeting_not_in_session_refuses_the_cast():
    meeting, item, voters, chairman = opened()
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.SCHEDULED)
    with pytest.raises(RuleViolation) as error:
        services.ballot_cast(item=item, member=voters[1], choice="consent")
    assert str(error.value.message) == NOT_OPEN
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.OPEN)
    assert rows(item) == (0, 0)
    abstain_the_rest(item, voters)
    services.ballot_close(item=item, actor=chairman)
    with pytest.raises(RuleViolation) as error:  # closed: not "already voted"
        services.ballot_cast(item=item, member=voters[2], choice="consent")
    assert str(error.value.message) == NOT_OPEN
    assert rows(item) == (4, 0)


@pytest.mark.django_db
def test_a_cast_on_an_item_that_does_not_exist_raises_does_not_exist():
    _meeting, item, voters, _chairman = opened()
    item.pk = 999_999_999
    with pytest.raises(AgendaItem.DoesNotExist):
        services.ballot_cast(item=item, member=voters[1], choice="consent")


@pytest.mark.django_db(transaction=True)
def test_the_same_member_casting_twice_at_once_is_counted_once():
    _meeting, item, voters, chairman = opened(members=1)
    connection.close()
    results = race(
        *[
            (lambda: services.ballot_cast(item=item, member=voters[1], choice="consent"))
            for _ in range(6)
        ]
    )
    assert sorted(type(result).__name__ for result in results) == ["AlreadyVoted"] * 5 + [
        "NoneType"
    ]
    assert rows(item) == (1, 1)
    abstain_the_rest(item, voters)
    assert services.ballot_close(item=item, actor=chairman).votes_cast == 2


def waiting_for_a_lock(timeout: float = 10) -> bool:
    """True once a backend of this database waits for a lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.02)
    return False


def in_thread(action) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run():
        try:
            outcome.append(action())
        except Exception as error:  # collected for the assertions
            outcome.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.mark.django_db(transaction=True)
def test_casts_run_side_by_side_and_the_close_waits_for_a_cast_in_flight():
    _meeting, item, voters, chairman = opened(members=2)
    connection.close()
    cast_done, release = threading.Event(), threading.Event()

    def slow_cast():
        # A cast whose transaction stays open: its FOR SHARE lock on the item is held.
        with transaction.atomic():
            services.ballot_cast(item=item, member=voters[1], choice="consent")
            cast_done.set()
            release.wait(timeout=30)

    slow, slow_outcome = in_thread(slow_cast)
    assert cast_done.wait(timeout=10)
    # Another cast is not held up by it (shared locks) ...
    services.ballot_cast(item=item, member=voters[2], choice="oppose")
    services.ballot_cast(item=item, member=voters[0], choice="abstain")
    # ... but the close waits for it.
    closer, closed = in_thread(lambda: services.ballot_close(item=item, actor=chairman))
    assert waiting_for_a_lock()
    assert closed == []
    release.set()
    slow.join(timeout=30)
    closer.join(timeout=30)
    assert slow_outcome == [None]
    assert (closed[0].votes_cast, closed[0].consent, closed[0].oppose) == (3, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_a_cast_waiting_for_a_close_sees_the_ballot_closed_and_writes_nothing():
    _meeting, item, voters, _chairman = opened(members=1)
    connection.close()
    locked, release = threading.Event(), threading.Event()

    def closing():
        # What ballot_close does first: the item FOR UPDATE, then the status changed.
        with transaction.atomic():
            AgendaItem.objects.select_for_update().get(pk=item.pk)
            AgendaItem.objects.filter(pk=item.pk).update(status=BallotStatus.CLOSED)
            locked.set()
            release.wait(timeout=30)

    closer, _ = in_thread(closing)
    assert locked.wait(timeout=10)
    caster, outcome = in_thread(
        lambda: services.ballot_cast(item=item, member=voters[1], choice="consent")
    )
    assert waiting_for_a_lock()
    assert outcome == []
    release.set()
    closer.join(timeout=30)
    caster.join(timeout=30)
    assert isinstance(outcome[0], RuleViolation)
    assert str(outcome[0].message) == NOT_OPEN
    assert rows(item) == (0, 0)
