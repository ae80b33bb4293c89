"""Heartbeats: the Celery workers and beat say they are alive; ``/healthz``, the metrics and the
container healthchecks read it without asking them.

Asking the workers (``control.ping``) costs a broadcast and a one-second wait on every call. A
worker instead writes its name every ``HEARTBEAT_SECONDS`` (a bootstep on the worker's own timer,
:mod:`titles.celery`); beat writes when its scheduler ticks. A name is alive while its last beat
is younger than ``STALE_AFTER_SECONDS``.

With Redis, the beats are a sorted set per role scored by Redis's own clock (``TIME`` inside a
script), so machines whose clocks differ agree; a clean stop removes the name at once. Without
Redis (development with the filesystem broker) they are files under ``DATA_DIR/heartbeats``.
"""

import contextlib
import logging
import socket
import time
from functools import cache
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 10
STALE_AFTER_SECONDS = 60
ROLES = ("worker", "beat")
_KEY = "titles:heartbeats:{role}"

# KEYS[1] the set; ARGV[1] the name. Scores the name with the server's time, drops old names.
_WRITE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 86400)
return tostring(now)
"""
# KEYS[1] the set; ARGV[1] the age limit. Names with a beat younger than the limit, and ages.
_READ = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local found = redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[1]), '+inf', 'WITHSCORES')
local out = {}
for i = 1, #found, 2 do
  out[#out + 1] = found[i]
  out[#out + 1] = tostring(now - tonumber(found[i + 1]))
end
return out
"""


@cache
def _client(url: str):
    import redis  # noqa: PLC0415 — optional dependency: only with a Redis URL

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def _directory(role: str) -> Path:
    return Path(settings.DATA_DIR) / "heartbeats" / role


def _file_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "@.-_" else "_" for c in name)


def heartbeat_write(role: str, name: str) -> None:
    """Record that ``name`` (a worker's node name, or ``beat``) is alive now. Never raises: a
    broker that is down is logged, and the name goes stale."""
    try:
        if settings.REDIS_URL:
            _client(settings.REDIS_URL).eval(_WRITE, 1, _KEY.format(role=role), name)
        else:
            directory = _directory(role)
            directory.mkdir(parents=True, exist_ok=True)
            # The time inside the file, not its mtime: the reader compares with the same clock.
            (directory / _file_name(name)).write_text(f"{time.time()}\t{name}")
    except Exception:  # the broker or the disk: the heartbeat must never stop the process
        log.warning("heartbeat of %s %s not written", role, name, exc_info=True)


def heartbeat_forget(role: str, name: str) -> None:
    """A clean stop: ``name`` is no longer counted (never raises)."""
    try:
        if settings.REDIS_URL:
            _client(settings.REDIS_URL).zrem(_KEY.format(role=role), name)
        else:
            with contextlib.suppress(FileNotFoundError):
                (_directory(role) / _file_name(name)).unlink()
    except Exception:
        log.warning("heartbeat of %s %s not removed", role, name, exc_info=True)


def heartbeats_alive(role: str, *, within: float = STALE_AFTER_SECONDS) -> dict[str, float]:
    """The names of ``role`` with a beat in the last ``within`` seconds, with its age in seconds.

    Raises when the store does not answer (the caller decides what that means).
    """
    if settings.REDIS_URL:
        found = _client(settings.REDIS_URL).eval(_READ, 1, _KEY.format(role=role), within)
        pairs = [item.decode() if isinstance(item, bytes) else item for item in found]
        return {pairs[i]: float(pairs[i + 1]) for i in range(0, len(pairs), 2)}
    alive: dict[str, float] = {}
    directory = _directory(role)
    now = time.time()
    for path in directory.glob("*") if directory.exists() else []:
        with contextlib.suppress(FileNotFoundError, ValueError):
            written, _, name = path.read_text().partition("\t")
            age = now - float(written)
            if age <= within:
                alive[name or path.name] = max(age, 0.0)
    return alive


def node_name(prefix: str = "celery") -> str:
    """The node name a worker started without ``-n`` has on this host: ``celery@<hostname>``."""
    return f"{prefix}@{socket.gethostname()}"
