"""The committee's decision rule (DOMAIN.md rule 6)."""


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
