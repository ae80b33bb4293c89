"""Rule 6 (``review.voting.is_approved``) as the committee applies it."""

from fractions import Fraction

import pytest

from review.voting import is_approved


def test_is_approved_matches_more_than_two_thirds_for_every_count_up_to_40():
    for present in range(1, 41):
        for consent in range(present + 1):
            assert is_approved(consent, present) is (Fraction(consent, present) > Fraction(2, 3)), (
                consent,
                present,
            )


@pytest.mark.parametrize(
    ("consent", "present", "expected"),
    [(2, 3, False), (3, 3, True), (6, 9, False), (7, 9, True), (14, 21, False), (15, 21, True)],
)
def test_is_approved_at_exactly_two_thirds_is_not_enough(consent, present, expected):
    assert is_approved(consent, present) is expected


def test_is_approved_with_nobody_present_is_not_approved():
    assert is_approved(0, 0) is False


@pytest.mark.parametrize(
    ("consent", "present", "message"),
    [
        (-1, 3, "consent must not be negative, got -1"),
        (1, -3, "present must not be negative, got -3"),
        (4, 3, "consent (4) cannot exceed present (3)"),
    ],
)
def test_is_approved_refuses_impossible_counts(consent, present, message):
    with pytest.raises(ValueError) as error:
        is_approved(consent, present)
    assert str(error.value) == message
