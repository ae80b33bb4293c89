"""Rule 7: a reader of every table, system columns included, cannot learn how anyone voted."""

import base64
import binascii
import contextlib
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.db import connection

from committee import crypto, services
from committee.models import AgendaItem
from tests.committee.factories import (
    CHOICES,
    awaiting_committee,
    committee_of,
    in_session,
    meeting_of,
)

CHOICE_WORDS = ("consent", "oppose", "abstain", "同意", "反对", "弃权")
RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw


def every_row() -> dict[str, list[dict]]:
    """Every row of every table of the public schema, with ``xmin`` and ``ctid``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname"
        )
        tables = [name for (name,) in cursor.fetchall()]
        rows = {}
        for table in tables:
            cursor.execute(
                f'SELECT xmin::text AS xmin, ctid::text AS ctid, * FROM "{table}"'  # noqa: S608
            )
            columns = [column.name for column in cursor.description]
            rows[table] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return rows


def leaves(value):
    """Every scalar inside a cell (JSON documents opened up)."""
    if isinstance(value, dict):
        for inner in value.values():
            yield from leaves(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from leaves(inner)
    elif isinstance(value, str) and value[:1] in "{[":
        try:
            yield from leaves(json.loads(value))
        except ValueError:
            yield value
    else:
        yield value


def as_bytes(value) -> list[bytes]:
    """The byte strings a cell could hold a key in: raw, hex or base64."""
    if isinstance(value, memoryview | bytes | bytearray):
        return [bytes(value)]
    if isinstance(value, str):
        found = [value.encode()]
        for decode in (bytes.fromhex, base64.b64decode, base64.urlsafe_b64decode):
            with contextlib.suppress(ValueError, binascii.Error):
                found.append(decode(value))
        return found
    return []


def cells(rows):
    for table, table_rows in rows.items():
        for row in table_rows:
            for column, value in row.items():
                for leaf in leaves(value):
                    yield table, column, row, leaf


def cast_distinct_neighbours(item, voters):
    """Neighbouring voters (by id, and in the order they vote) never share a choice."""
    choices = {}
    for index, voter in enumerate(voters):
        choices[voter.pk] = CHOICES[index % 3]
        services.ballot_cast(item=item, member=voter, choice=choices[voter.pk])
    return choices


@pytest.mark.django_db(transaction=True)
def test_no_table_reveals_a_choice_while_the_ballot_is_open_nor_after_close(settings):
    settings.BALLOT_SECRET = "server-held ballot secret, never in the database"
    meeting, [item], voters, chairman = in_session(members=5)
    services.ballot_open(item=item, actor=chairman)
    cast_distinct_neighbours(item, voters)
    item = AgendaItem.objects.get(pk=item.pk)
    private = crypto.item_private_key(item_id=item.pk, salt=bytes(item.ballot_salt))
    private_raw = private.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    public = bytes(item.public_key)

    rows = every_row()
    # The two tables hold nothing more than: who voted, and a sealed choice.
    assert set(rows["committee_participation"][0]) == {"xmin", "ctid", "id", "item_id", "member_id"}
    assert set(rows["committee_encryptedballot"][0]) == {
        "xmin",
        "ctid",
        "id",
        "item_id",
        "ciphertext",
    }
    ballots = [bytes(row["ciphertext"]) for row in rows["committee_encryptedballot"]]
    assert len(ballots) == 6
    assert {len(ballot) for ballot in ballots} == {crypto.CIPHERTEXT_BYTES}
    # The rows of one cast carry the same transaction id (one statement writes both): a reader
    # may pair them, but the pair leads only to a sealed blob.

    for table, column, _row, value in cells(rows):
        if isinstance(value, str):
            assert not any(word in value.lower() for word in CHOICE_WORDS), (table, column)
        for candidate in as_bytes(value):
            # Neither the item's private key nor the server secret is stored, in any encoding.
            assert private_raw not in candidate, (table, column)
            assert settings.BALLOT_SECRET.encode() not in candidate, (table, column)
            if len(candidate) == 32:
                key = X25519PrivateKey.from_private_bytes(candidate)
                assert key.public_key().public_bytes(*RAW) != public, (table, column)
                for ballot in ballots:
                    with pytest.raises(crypto.BallotUnreadable):
                        crypto.ballot_open(item_id=item.pk, private_key=key, ciphertext=ballot)

    closed = services.ballot_close(item=item, actor=chairman)
    services.meeting_close(meeting=meeting, actor=chairman)
    assert (closed.consent, closed.oppose, closed.abstain) == (2, 2, 2)
    rows = every_row()
    assert rows["committee_encryptedballot"] == []
    assert len(rows["committee_participation"]) == 6
    voter_ids = {voter.pk for voter in voters}
    for table, column, _row, value in cells(rows):
        if isinstance(value, str):
            assert not any(word in value.lower() for word in CHOICE_WORDS), (table, column)
    # What is left per item is the totals; a row naming a voter never carries a choice.
    for table, table_rows in rows.items():
        for row in table_rows:
            names_voter = any(
                value in voter_ids
                for column, value in row.items()
                if column.endswith(("member_id", "user_id", "actor_id", "recipient_id"))
            )
            if names_voter:
                assert not any(
                    isinstance(leaf, str) and leaf.lower() in CHOICE_WORDS
                    for value in row.values()
                    for leaf in leaves(value)
                ), table


def table_pages(table: str) -> list[bytes]:
    """Every page of ``table`` as PostgreSQL holds it (pageinspect reads through the buffers,
    so what is not yet written to disk is read too)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s) / current_setting('block_size')::int", [table])
        (count,) = cursor.fetchone()
        pages = []
        for number in range(count):
            cursor.execute("SELECT get_raw_page(%s, %s)", [table, number])
            pages.append(bytes(cursor.fetchone()[0]))
    return pages


@pytest.mark.django_db(transaction=True)
def test_a_closed_ballots_sealed_votes_leave_the_tables_pages():
    """Issue #27: deleted sealed ballots stayed readable in the table's pages until a VACUUM
    (with the ballot key, from a backup of SECRET_KEY, and the participations' shared xmin, a
    reader of the database could link them to voters). Another meeting's ballot is open at the
    same time, its sealed ballots live in the same page: they stay, the closed ones are gone."""
    with connection.cursor() as cursor:
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        except Exception:
            pytest.skip("pageinspect is not available")
    _meeting, [first], first_voters, first_chair = in_session(members=3)
    other = committee_of(2, name="北京市高层次人才职称评审委员会（第二）")
    second_chair = other.chairman
    second_meeting = meeting_of(other, awaiting_committee())
    services.meeting_open(meeting=second_meeting, actor=second_chair)
    second_voters = [second_chair, *other.members.order_by("pk")]
    services.roll_call(
        meeting=second_meeting, actor=second_chair, present_ids={v.pk for v in second_voters}
    )
    second = AgendaItem.objects.get(meeting=second_meeting)
    services.ballot_open(item=first, actor=first_chair)
    services.ballot_open(item=second, actor=second_chair)
    first, second = AgendaItem.objects.get(pk=first.pk), AgendaItem.objects.get(pk=second.pk)
    for one, other in zip(first_voters, [*second_voters, None], strict=True):  # interleaved
        services.ballot_cast(item=first, member=one, choice="consent")
        if other is not None:
            services.ballot_cast(item=second, member=other, choice="oppose")
    from committee.models import EncryptedBallot

    sealed = {
        item.pk: [
            bytes(b)
            for b in EncryptedBallot.objects.filter(item=item).values_list("ciphertext", flat=True)
        ]
        for item in (first, second)
    }
    assert (len(sealed[first.pk]), len(sealed[second.pk])) == (4, 3)
    pages = table_pages("committee_encryptedballot")
    assert all(any(ballot in page for page in pages) for ballot in sealed[first.pk])

    services.ballot_close(item=first, actor=first_chair)  # the table is rewritten after the commit

    pages = table_pages("committee_encryptedballot")
    assert not any(ballot in page for ballot in sealed[first.pk] for page in pages)
    assert all(any(ballot in page for page in pages) for ballot in sealed[second.pk])
    assert EncryptedBallot.objects.filter(item=second).count() == 3
