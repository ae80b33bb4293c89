"""Resident ID numbers: GB 11643 validation, masking, encryption and the keyed lookup hash."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.factories import id_number_valid
from titles.id_numbers import (
    IdNumberUnreadable,
    id_number_check_character,
    id_number_decrypt,
    id_number_encrypt,
    id_number_lookup_hash,
    id_number_mask,
    id_number_validate,
)

TODAY = date(2026, 3, 2)


def error_of(value: str, language: str = "en") -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        id_number_validate(value, today=TODAY)
    with translation.override(language):
        return caught.value.code, caught.value.messages[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11010519491231002X", "11010519491231002X"),  # the example printed in GB 11643
        ("440524188001010014", "440524188001010014"),  # the standard's other example
        ("11010519491231002x", "11010519491231002X"),  # lowercase x accepted, normalised
        ("  110108199003071238 ", "110108199003071238"),  # outer spaces dropped
        ("１１０１０８１９９００３０７１２３８", "110108199003071238"),  # full-width digits (IME)
        ("110108202603020017", "110108202603020017"),  # born today
    ],
)
def test_id_number_validate_accepts_and_normalises(value, expected):
    assert id_number_validate(value, today=TODAY) == expected


def test_id_number_check_character_follows_iso_7064_mod_11_2():
    assert id_number_check_character("11010519491231002") == "X"
    assert id_number_check_character("44052418800101001") == "4"
    assert id_number_check_character("11010819900307123") == "8"


def test_factory_numbers_are_valid_and_differ():
    numbers = {id_number_valid() for _ in range(20)}
    assert len(numbers) == 20
    for number in numbers:
        assert id_number_validate(number, today=TODAY) == number


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("", "required", "Enter the resident ID number."),
        (
            "11010519491231002",
            "length",
            "A resident ID number has 18 characters; this one has 17.",
        ),
        (
            "11010519491231002X1",
            "length",
            "A resident ID number has 18 characters; this one has 19.",
        ),
        (
            "110105491231002",  # the old 15-digit format
            "length",
            "A resident ID number has 18 characters; this one has 15.",
        ),
        (
            "1101051949123100AX",
            "characters",
            "Only digits are allowed, and the letter X only as the last character.",
        ),
        (
            "X10105194912310021",
            "characters",
            "Only digits are allowed, and the letter X only as the last character.",
        ),
        (
            "11010519491231-02X",
            "characters",
            "Only digits are allowed, and the letter X only as the last character.",
        ),
        (
            "110105194902300011",  # 30 February
            "birth_date",
            "Characters 7 to 14 must be a real date of birth (YYYYMMDD).",
        ),
        (
            "110105194913010011",  # month 13
            "birth_date",
            "Characters 7 to 14 must be a real date of birth (YYYYMMDD).",
        ),
        (
            "110105000001010011",  # year 0
            "birth_date",
            "Characters 7 to 14 must be a real date of birth (YYYYMMDD).",
        ),
        (
            "110108202603030012",  # tomorrow
            "birth_date_future",
            "The date of birth in the ID number lies in the future.",
        ),
        (
            "110105194912310021",  # GB example with the wrong check character
            "checksum",
            "The last character does not match the check digit of the first 17; "
            "please look for a typing error.",
        ),
        (
            "11010519491231020X",  # the 16th and 17th digits swapped
            "checksum",
            "The last character does not match the check digit of the first 17; "
            "please look for a typing error.",
        ),
    ],
)
def test_id_number_validate_says_what_is_wrong(value, code, message):
    assert error_of(value) == (code, message)


def test_id_number_messages_are_in_chinese():
    assert error_of("123", "zh-hans") == ("length", "居民身份证号码应为18位，当前输入为3位。")
    assert error_of("1101051949123100AX", "zh-hans") == (
        "characters",
        "身份证号码只能由数字组成，仅最后一位可以是字母X。",
    )
    assert error_of("110105194902300011", "zh-hans") == (
        "birth_date",
        "第7至14位应为真实的出生日期（年年年年月月日日）。",
    )
    assert error_of("110108202603030012", "zh-hans") == (
        "birth_date_future",
        "身份证号码中的出生日期晚于今天。",
    )
    assert error_of("110105194912310021", "zh-hans") == (
        "checksum",
        "最后一位校验码与前17位不符，请检查是否输入有误。",
    )


def test_id_number_mask_keeps_the_first_three_and_last_four():
    assert id_number_mask("110105194912310021") == "110***********0021"
    assert id_number_mask("11010519491231002X") == "110***********002X"
    assert id_number_mask("") == ""


def test_id_number_encryption_round_trip_with_a_fresh_nonce():
    first = id_number_encrypt("11010519491231002X")
    second = id_number_encrypt("11010519491231002X")
    assert first.startswith("v1:")
    assert first != second
    assert "11010519491231002X" not in first
    assert id_number_decrypt(first) == id_number_decrypt(second) == "11010519491231002X"
    assert id_number_decrypt("") == ""


def test_id_number_decrypt_refuses_an_altered_value():
    stored = id_number_encrypt("11010519491231002X")
    altered = stored[:-2] + ("A" if stored[-2] != "A" else "B") + stored[-1]
    with pytest.raises(IdNumberUnreadable):
        id_number_decrypt(altered)
    with pytest.raises(IdNumberUnreadable):
        id_number_decrypt("v9:" + stored[3:])


def test_field_encryption_key_wins_over_secret_key(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    from_secret = id_number_encrypt("11010519491231002X")
    hash_from_secret = id_number_lookup_hash("11010519491231002X")
    settings.FIELD_ENCRYPTION_KEY = "a-separate-field-key-for-production"
    with pytest.raises(IdNumberUnreadable):
        id_number_decrypt(from_secret)
    assert id_number_lookup_hash("11010519491231002X") != hash_from_secret
    assert id_number_decrypt(id_number_encrypt("11010519491231002X")) == "11010519491231002X"
    settings.FIELD_ENCRYPTION_KEY = ""
    settings.SECRET_KEY = "another-secret-key"
    with pytest.raises(IdNumberUnreadable):
        id_number_decrypt(from_secret)


def test_id_number_lookup_hash_is_keyed_and_normalises():
    digest = id_number_lookup_hash("11010519491231002X")
    assert len(digest) == 64
    assert id_number_lookup_hash("11010519491231002x") == digest
    import hashlib

    assert digest != hashlib.sha256(b"11010519491231002X").hexdigest()
