"""Dates computed over the working-day calendar, with the visible "provisional" mark (rule 1).

``{% load workdays %}``, then either

* ``{% deadline application.eligibility_due_at %}``: the date in Asia/Shanghai, followed by the
  mark when its year's holiday schedule is not official yet (pass ``provisional=flag`` to use a
  stored flag instead, ``format="Y-m-d H:i"`` for another format), or
* ``{{ due_at|date:"Y-m-d" }}{{ due_at|provisional_mark }}`` (or ``|provisional_mark:flag``).

Without a stored flag the mark is derived from the date's year, so it disappears by itself once
that year is entered; reading a year costs at most one query per process (titles.workdays).
"""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from titles import workdays

register = template.Library()

PROVISIONAL_MARK = _("(provisional)")
PROVISIONAL_TITLE = _(
    "The official holiday schedule of that year has not been entered yet: this date may still "
    "move later, never earlier."
)


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            return value.date()
        return value.astimezone(workdays.SHANGHAI).date()
    return value


def _is_provisional(value, provisional) -> bool:
    if provisional is not None and provisional != "":
        return bool(provisional)
    return workdays.year_is_provisional(_day(value).year)


def _mark() -> SafeString:
    return format_html(
        '<span class="provisional" title="{}">{}</span>', PROVISIONAL_TITLE, PROVISIONAL_MARK
    )


@register.filter
def provisional_mark(value, provisional=None) -> str:
    """The mark (with a leading space) when ``value`` is provisional, else nothing."""
    if not isinstance(value, date):
        return ""
    return format_html(" {}", _mark()) if _is_provisional(value, provisional) else ""


@register.simple_tag
def deadline(value, provisional=None, format: str = "Y-m-d") -> str:
    """``value`` formatted in Asia/Shanghai, with the mark when provisional; "—" for none."""
    if not isinstance(value, date):
        return "—"
    if isinstance(value, datetime) and timezone.is_aware(value):
        shown = value.astimezone(workdays.SHANGHAI)
    else:
        shown = value
    html = format_html(
        '<time datetime="{}">{}</time>', shown.isoformat(), date_format(shown, format)
    )
    if _is_provisional(value, provisional):
        html = format_html("{} {}", html, _mark())
    return html
