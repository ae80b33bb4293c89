"""Limits per client address, counted from the rows the limited action stores.

Both public actions that anyone may take without signing in (an objection to a public notice,
a certificate verification) keep the client's address only as a keyed hash, and count their own
recent rows with that hash against their limit. Sign-in has its own limit (django-axes).
"""

from django.db.models import QuerySet
from django.utils.crypto import salted_hmac


def client_hash(client_ip: str | None, *, purpose: str) -> str:
    """A keyed hash of the client's address (not reversible without the secret key), different
    for each ``purpose`` so that the tables cannot be joined on it."""
    return salted_hmac(purpose, client_ip or "unknown", algorithm="sha256").hexdigest()


def limit_reached(recent: QuerySet, *, limit: int) -> bool:
    """True when ``recent`` (one client's rows within the window) holds ``limit`` rows or more;
    counted only up to the limit, since the rows beyond it change nothing."""
    return recent[:limit].count() >= limit
