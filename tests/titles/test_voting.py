import pytest

from review.voting import is_approved


@pytest.mark.parametrize(
    ("consent", "present", "expected"),
    [
        (0, 0, False),
        (1, 1, True),
        (2, 3, False),  # exactly two-thirds is not more than two-thirds
        (3, 4, True),
        (4, 6, False),
        (5, 7, True),
        (6, 9, False),
        (7, 9, True),
        (10, 15, False),
        (11, 15, True),
        (14, 21, False),
        (15, 21, True),
    ],
)
def test_is_approved_more_than_two_thirds(consent, present, expected):
    assert is_approved(consent, present) is expected


@pytest.mark.parametrize(("consent", "present"), [(-1, 3), (1, -3), (4, 3)])
def test_is_approved_refuses_impossible_counts(consent, present):
    with pytest.raises(ValueError):
        is_approved(consent, present)


def test_is_approved_refuses_floats():
    with pytest.raises(TypeError):
        is_approved(2.0, 3)


def test_rule_arithmetic_states_the_comparison_for_the_numbers():
    from django.utils import translation

    from titles.voting import rule_arithmetic

    with translation.override("en"):
        assert rule_arithmetic(5, 7) == "3 × 5 = 15 > 2 × 7 = 14: more than two thirds"
        assert rule_arithmetic(4, 6) == "3 × 4 = 12 ≤ 2 × 6 = 12: not more than two thirds"
