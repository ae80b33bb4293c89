"""Limits on anonymous actions that send an email or make an account: sign-up and password
reset, per client address (and per email address for a reset), per hour.

Counted in the shared cache (Redis: every web machine sees the same counts) in fixed windows of
an hour, under a hash of what is counted (no address is stored in clear). A cache that does not
answer lets the request through (logged): the limits slow abuse, they must not take sign-up down.
The recommender's code is limited by counting its outbox rows instead
(``applications.services.recommenders``), which every machine shares too.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

log = logging.getLogger(__name__)

WINDOW_SECONDS = 3600


def _key(action: str, subject: str, window: int) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{action}:{subject}".encode()).hexdigest()
    prefix = getattr(settings, "SEND_LIMITS_KEY_PREFIX", "send-limit")
    return f"{prefix}:{action}:{digest[:32]}:{window}"


def send_limit_allow(action: str, subject: str | None, *, limit: int) -> bool:
    """Count one ``action`` for ``subject`` (an address, an email) in the current hour; False
    when this one goes beyond ``limit`` (it is counted all the same)."""
    if limit <= 0:
        return True
    window = int(timezone.now().timestamp()) // WINDOW_SECONDS
    key = _key(action, (subject or "unknown").strip().lower(), window)
    try:
        cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
        count = cache.incr(key)
    except Exception:  # Redis down: do not refuse people because the counter is unavailable
        log.warning("send limit %s not counted: the cache does not answer", action, exc_info=True)
        return True
    return count <= limit
