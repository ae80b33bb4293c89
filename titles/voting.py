"""The committee's decision rule (DOMAIN.md rule 6), and the words that state it.

In the foundation, so that the committee's services, its pages and its minutes read the rule and
its text from one place (``review.voting.is_approved`` is the interface DOMAIN.md names: it stays
importable there).
"""

from django.utils.translation import gettext_lazy as _

RULE_TEXT = _("approved when consent votes are more than two-thirds of the members present")


def rule_arithmetic(consent: int, present: int) -> str:
    """The rule worked out for one result, in the active language, e.g. "3 × 5 = 15 > 2 × 7 =
    14: more than two thirds" (shown beside every result, so that it can be checked)."""
    left, right = 3 * consent, 2 * present
    values = {"consent": consent, "present": present, "left": left, "right": right}
    if is_approved(consent, present):
        return (
            _("3 × %(consent)s = %(left)s > 2 × %(present)s = %(right)s: more than two thirds")
            % values
        )
    return (
        _("3 × %(consent)s = %(left)s ≤ 2 × %(present)s = %(right)s: not more than two thirds")
        % values
    )


def is_approved(consent: int, present: int) -> bool:
    """True when consent votes are more than two-thirds of the members present for the item.

    ``present`` is the members present at the meeting minus those recused for this item.
    Integer arithmetic only: approved exactly when ``3 * consent > 2 * present``.
    """
    for name, value in (("consent", consent), ("present", present)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        if value < 0:
            raise ValueError(f"{name} must not be negative, got {value}")
    if consent > present:
        raise ValueError(f"consent ({consent}) cannot exceed present ({present})")
    return 3 * consent > 2 * present
