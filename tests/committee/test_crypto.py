import pytest

from committee import crypto
from committee.enums import Choice


def test_ballot_seal_then_open_gives_the_choice_back_for_each_choice():
    salt = crypto.ballot_salt_new()
    public = crypto.item_public_key(item_id=7, salt=salt)
    private = crypto.item_private_key(item_id=7, salt=salt)
    for choice in Choice.values:
        sealed = crypto.ballot_seal(item_id=7, public_key=public, choice=choice)
        assert len(sealed) == crypto.CIPHERTEXT_BYTES == 76
        assert crypto.ballot_open(item_id=7, private_key=private, ciphertext=sealed) == choice


def test_ballot_seal_is_randomised():
    public = crypto.item_public_key(item_id=1, salt=b"s" * 32)
    sealed = {crypto.ballot_seal(item_id=1, public_key=public, choice="consent") for _ in range(5)}
    assert len(sealed) == 5


def test_ballot_open_refuses_another_items_ballot():
    salt = crypto.ballot_salt_new()
    sealed = crypto.ballot_seal(
        item_id=1, public_key=crypto.item_public_key(item_id=1, salt=salt), choice="oppose"
    )
    with pytest.raises(crypto.BallotUnreadable):
        crypto.ballot_open(
            item_id=2, private_key=crypto.item_private_key(item_id=2, salt=salt), ciphertext=sealed
        )


def test_item_private_key_depends_on_the_server_secret(settings):
    salt = b"x" * 32
    settings.BALLOT_SECRET = "one secret"
    first = crypto.item_public_key(item_id=3, salt=salt)
    settings.BALLOT_SECRET = "another secret"
    assert crypto.item_public_key(item_id=3, salt=salt) != first
    settings.BALLOT_SECRET = None
    assert crypto.item_public_key(item_id=3, salt=salt) not in {first}
