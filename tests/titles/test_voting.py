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
