"""The deadline sweep: one pass over everything whose ``*_due_at`` has come.

Each stage registers a sweeper with :func:`sweeper`; a sweeper takes the current time and returns
one line per change it made. Sweepers must be idempotent (a second pass finds nothing to do), and
the whole sweep runs under a PostgreSQL advisory lock so that two sweeps at the same moment never
both act: the second returns at once and says so.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection
from django.utils import timezone

Sweeper = Callable[[datetime], list[str]]
_SWEEPERS: list[tuple[str, Sweeper]] = []
# An arbitrary constant that names this lock in pg_locks.
SWEEP_LOCK_KEY = 727_001


def sweeper(name: str) -> Callable[[Sweeper], Sweeper]:
    """Register ``func`` under ``name`` as a part of the sweep (registering twice is harmless)."""

    def register(func: Sweeper) -> Sweeper:
        if all(existing != name for existing, _ in _SWEEPERS):
            _SWEEPERS.append((name, func))
        return func

    return register


def registered_sweepers() -> list[str]:
    return [name for name, _ in _SWEEPERS]


@dataclass
class SweepResult:
    ran: bool
    changes: list[str] = field(default_factory=list)


def sweep_run(*, now: datetime | None = None) -> SweepResult:
    """Run every registered sweeper once; returns what changed, or ``ran=False`` if locked."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SWEEP_LOCK_KEY])
        (locked,) = cursor.fetchone()
    if not locked:
        return SweepResult(ran=False)
    try:
        changes: list[str] = []
        for _name, func in list(_SWEEPERS):
            changes.extend(func(now))
        return SweepResult(ran=True, changes=changes)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK_KEY])
