"""``review.voting.is_approved`` (DOMAIN.md, rule 6) lives in ``titles.voting``."""

from titles.voting import RULE_TEXT, is_approved

__all__ = ["RULE_TEXT", "is_approved"]
