"""Database helpers that are about PostgreSQL and the ORM, not about the domain."""

from django.core.exceptions import ObjectDoesNotExist


def one_to_one_or_none(instance, name: str):
    """``instance.<name>`` for a reverse one-to-one relation, or ``None`` when there is none
    (no query when ``select_related`` loaded it)."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None
