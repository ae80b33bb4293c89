"""``get_FOO_display()`` without rebuilding the field's choices on every call.

Django's own ``Model._get_FIELD_display`` turns the field's whole list of choices into a
hashable dict each time, which hashes (and so translates) every lazy label: 40–110 µs a call
for ``Application.state``, three times a row on a queue page. The labels of a field never
change while the process runs, so models that show choices in lists take ``ChoiceLabels``
and look the label up in a dict built once per field; the label is still translated per call
into the active language.
"""

from functools import cache

from django.db import models
from django.utils.encoding import force_str


@cache
def _labels(field: models.Field) -> dict:
    return dict(field.flatchoices)


class ChoiceLabels:
    """Mixin for models: the same ``get_FOO_display()``, from a dict built once per field."""

    def _get_FIELD_display(self, field: models.Field):
        value = getattr(self, field.attname)
        try:
            label = _labels(field).get(value, value)
        except TypeError:  # an unhashable value (a list, say): Django's own way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)
