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
from tests.committee.factories import CHOICES, in_session

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
