"""Working days left until a deadline, shown beside it in the queues (issue #22).

``{% load days_left %}``, then ``{{ application.eligibility_due_at|working_days_left }}``: a small
note such as "3 working days left", "due today" or "2 working days overdue", counted over the
working-day calendar in Asia/Shanghai (the days after today up to the deadline's day); nothing
for no deadline.
"""

from datetime import date, datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from titles import workdays

register = template.Library()


def _local_day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return (
            value.astimezone(workdays.SHANGHAI).date() if timezone.is_aware(value) else value.date()
        )
    return value


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` <= ``start``)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += workdays.is_working_day(day)
    return count


@register.filter
def working_days_left(value) -> str:
    if not isinstance(value, date):
        return ""
    today = timezone.localdate(timezone.now(), workdays.SHANGHAI)
    due = _local_day(value)
    if due == today:
        text, css = _("due today"), "days-left due-today"
    elif due > today:
        left = working_days_between(today, due)
        text = ngettext("%(count)s working day left", "%(count)s working days left", left) % {
            "count": left
        }
        css = "days-left"
    else:
        late = max(working_days_between(due, today), 1)
        text = ngettext("%(count)s working day overdue", "%(count)s working days overdue", late) % {
            "count": late
        }
        css = "days-left overdue"
    return format_html(' <span class="{}">{}</span>', css, _("(%(note)s)") % {"note": text})
