"""The domain errors, kept importable here: they live in the foundation (``titles.errors``)."""

from titles.errors import ApplicationError, ChangedMeanwhile, NotAllowed, RuleViolation

__all__ = ["ApplicationError", "ChangedMeanwhile", "NotAllowed", "RuleViolation"]
