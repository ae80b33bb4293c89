"""``{% load people %}``: resident ID numbers in templates, masked for everyone but the holder.

``{{ person|id_number_for:request.user }}`` shows the number in clear to the holder only;
``{{ number|masked_id_number }}`` masks a number already in hand (``110***********1234``).
"""

from django import template

from titles.id_numbers import id_number_mask
from titles.people import id_number_for_viewer

register = template.Library()


@register.filter
def id_number_for(subject, viewer) -> str:
    if subject is None or not getattr(subject, "pk", None):
        return ""
    return id_number_for_viewer(subject=subject, viewer=viewer)


@register.filter
def masked_id_number(value) -> str:
    return id_number_mask(str(value or ""))
