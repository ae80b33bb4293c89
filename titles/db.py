"""Database helpers that are about PostgreSQL itself, not about the domain."""

from contextlib import contextmanager

from django.db import DatabaseError, connection


@contextmanager
def joins_as_written():
    """Let PostgreSQL join the tables in the order the query names them.

    For a query that reads one application, or one page of a queue in index order, and joins
    its one-to-one and lookup rows, Django's order (the filtered table first) is already the
    best one; searching all the other orders of ten joined tables took PostgreSQL 4–7 ms of
    planning, ten times the query's execution. Only for queries of that shape.
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
