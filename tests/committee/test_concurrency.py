"""A hundred members vote at once, several clicking more than once: each counted exactly once."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from committee import services
from committee.errors import RuleViolation
from committee.models import EncryptedBallot, Participation
from tests.applications.test_concurrency import race
from tests.committee.factories import CHOICES, in_session
from tests.factories import sign_in_verified

MEMBERS = 100
CLICKS = 3
DOUBLE_CLICKERS = 10
# The shared PostgreSQL allows 100 connections in all: at most this many requests run at once.
AT_ONCE = 40


@pytest.fixture(autouse=True)
def _english():
    """Refusals compared in English (a cast that loses the race to the close is refused)."""
    with translation.override("en"):
        yield


@pytest.mark.django_db(transaction=True)
def test_a_hundred_members_casting_at_once_are_each_counted_once():
    _meeting, [item], voters, chairman = in_session(members=MEMBERS - 1)
    assert len(voters) == MEMBERS
    choice_of = {voter.pk: CHOICES[index % 3] for index, voter in enumerate(voters)}
    clients = {voter.pk: sign_in_verified(Client(), voter) for voter in voters}
    services.ballot_open(item=item, actor=chairman)
    connection.close()
    url = f"/committee/items/{item.pk}/vote/"
    # Each member clicks three times; ten of them also vote from a second tab at the same moment.
    voter_ids = [voter.pk for voter in voters] + [voter.pk for voter in voters[:DOUBLE_CLICKERS]]
    barrier = threading.Barrier(len(voter_ids))
    gate = threading.BoundedSemaphore(AT_ONCE)
    statuses: list[int | Exception] = []
    lock = threading.Lock()

    def vote(voter_id):
        try:
            barrier.wait()
            for _ in range(CLICKS):
                with gate:
                    try:
                        response = clients[voter_id].post(url, {"choice": choice_of[voter_id]})
                        result = response.status_code
                    finally:
                        connection.close()
                with lock:
                    statuses.append(result)
        except Exception as error:  # collected for the assertions
            with lock:
                statuses.append(error)

    threads = [threading.Thread(target=vote, args=(pk,)) for pk in voter_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert statuses == [302] * (len(voter_ids) * CLICKS)
    assert Participation.objects.filter(item=item).count() == MEMBERS
    assert EncryptedBallot.objects.filter(item=item).count() == MEMBERS
    closed = services.ballot_close(item=item, actor=chairman)
    assert (closed.votes_cast, closed.consent, closed.oppose, closed.abstain) == (100, 34, 33, 33)
    assert (closed.present, closed.approved) == (100, False)


@pytest.mark.django_db(transaction=True)
def test_casts_racing_the_close_are_all_counted_and_the_close_waits_for_them():
    """A close racing the last casts either comes after all of them (and counts them all) or is
    refused because someone has not voted yet (issue #27); no cast is ever refused for it."""
    _meeting, [item], voters, chairman = in_session(members=12)
    services.ballot_open(item=item, actor=chairman)
    services.ballot_cast(item=item, member=chairman, choice="abstain")
    connection.close()
    casts = [
        (lambda voter=voter: services.ballot_cast(item=item, member=voter, choice="consent"))
        for voter in voters[1:]
    ]
    results = race(lambda: services.ballot_close(item=item, actor=chairman), *casts)
    assert results[1:] == [None] * 12
    closed = results[0]
    if isinstance(closed, RuleViolation):
        assert "才能结束投票" in str(closed.message)  # the threads speak the default language
        closed = services.ballot_close(item=item, actor=chairman)
    assert (closed.votes_cast, closed.consent, closed.abstain) == (13, 12, 1)
    assert Participation.objects.filter(item=item).count() == 13
    assert EncryptedBallot.objects.filter(item=item).count() == 0
