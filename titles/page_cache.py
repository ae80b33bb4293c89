"""Pages kept for as long as the database has not changed: ``@cached_by_snapshot``.

A queue or list page is a function of the request (path and query, the session, CSRF and
language cookies, ``Accept-Language``, host and scheme), of the data in PostgreSQL, and of the
time. PostgreSQL names the data a statement can see: ``pg_current_snapshot()`` (the oldest
transaction still running, the next transaction number, the ones in progress). Two requests
that see the same snapshot text see the same committed data: any write that commits in between
either was in progress (and leaves the list) or got a new transaction number (and moves the
next one on). So ``SnapshotPageCacheMiddleware``, first in ``MIDDLEWARE``, keeps the whole
response of a marked view under a key of all of those, the snapshot included, and the time to
``PAGE_CACHE_SECONDS``; the next identical request, before anything is written anywhere, gets
it back without a session, user or page query. Any write (a session saved, a notification, a
vote, a sign-out) gives every later request a new key.

Only for views marked ``@cached_by_snapshot``: pages whose GET changes nothing (a verification
is recorded on every request, so it is never marked). Not kept: anything but a 200 to a GET,
a response that sets a cookie other than the CSRF cookie the request already carried (a new
session or a new CSRF secret must never be handed to a second visitor), and a request that
brings flash messages. Inside a transaction (the tests' own, or a view's) the snapshot does not
move with the transaction's own writes, so nothing is looked up or kept there. A failing cache
(Redis down) is skipped: the page is rendered as if there were none.
"""

import hashlib
import logging
import uuid
from functools import lru_cache

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone

logger = logging.getLogger(__name__)

# Pages rendered by other code (a new deployment, another translation) never share keys.
PROCESS = uuid.uuid4().hex


def cached_by_snapshot(view):
    """Mark a view whose GET reads and never writes: its pages may be kept (see module)."""
    view.cached_by_snapshot = True
    return view


def _marked(request) -> bool:
    return _path_marked(request.path_info, get_urlconf())


@lru_cache(maxsize=4096)
def _path_marked(path: str, urlconf) -> bool:
    """Whether the view of ``path`` is marked (resolved once per path: every request asks)."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return False
    return getattr(match.func, "cached_by_snapshot", False)


def _snapshot() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def request_key(request, *parts: str) -> str:
    """A cache key of everything a page can take from the request, and ``parts``."""
    cookies = request.COOKIES
    values = [
        PROCESS,
        request.get_host(),
        "https" if request.is_secure() else "http",
        request.get_full_path(),
        cookies.get(settings.SESSION_COOKIE_NAME, ""),
        cookies.get(settings.CSRF_COOKIE_NAME, ""),
        cookies.get(settings.LANGUAGE_COOKIE_NAME, ""),
        request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
        *parts,
    ]
    return "page:" + hashlib.sha256("\x1f".join(values).encode()).hexdigest()


def page_cache_key(request, snapshot: str) -> str:
    step = int(timezone.now().timestamp()) // settings.PAGE_CACHE_SECONDS
    return request_key(request, snapshot, str(step))


def kept(key: str):
    """What is kept under ``key``, or None (also when the cache fails: it is a convenience)."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
        return None


def keep(key: str, value, timeout: int) -> None:
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)


def _keepable(request, response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    for name, morsel in response.cookies.items():
        if name != settings.CSRF_COOKIE_NAME or morsel.value != request.COOKIES.get(name):
            return False
    return True


class SnapshotPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self._key(request)
        if key is None:
            return self.get_response(request)
        response = kept(key)
        if response is not None:
            return response
        response = self.get_response(request)
        if _keepable(request, response):
            keep(key, response, timeout=settings.PAGE_CACHE_SECONDS * 2)
        return response

    def _key(self, request) -> str | None:
        if (
            not settings.PAGE_CACHE_SECONDS
            or request.method != "GET"
            or CookieStorage.cookie_name in request.COOKIES
            or connection.in_atomic_block
            or not _marked(request)
        ):
            return None
        try:
            return page_cache_key(request, _snapshot())
        except Exception:  # a host not allowed: Django answers it further in
            return None
