"""How a page answers a form post, kept importable here: it lives in ``titles.feedback``."""

from titles.feedback import form_decide, form_errors_report

__all__ = ["form_decide", "form_errors_report"]
