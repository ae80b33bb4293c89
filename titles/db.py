"""Database helpers that are about PostgreSQL and the ORM, not about the domain."""

from contextlib import contextmanager

from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, connection


def one_to_one_or_none(instance, name: str):
    """``instance.<name>`` for a reverse one-to-one relation, or ``None`` when there is none
    (no query when ``select_related`` loaded it)."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


@contextmanager
def joins_as_written():
    """Let PostgreSQL join the tables in the order the query names them.

    For a query that reads one page of a queue in index order and joins its lookup rows,
    Django's order (the filtered table first) is already the best one; searching all the other
    orders of six joined tables took PostgreSQL 3–7 ms of planning, several times the query's
    execution. Only for queries of that shape: the setting holds for the block, and its ``SET``
    and ``RESET`` are two statements more.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET join_collapse_limit = 1")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET join_collapse_limit")
        except DatabaseError:
            # Only in a transaction that has failed: rolling it back undoes the SET as well.
            pass
