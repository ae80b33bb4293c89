"""The shared step of every transition: lock, check, transition, save, audit."""

from collections.abc import Callable

from django.db import transaction
from django_fsm import can_proceed

from applications.enums import (
    RecommenderStatus,
)
from applications.errors import ChangedMeanwhile, NotAllowed
from applications.models import Application
from titles.audit import audit_record

# --- the shared transition step ------------------------------------------------------------


def _transition(
    *,
    application: Application,
    actor,
    name: str,
    allowed: Callable,
    reason: str = "",
    expected_version: int | None = None,
    before_save: Callable[[Application], None] | None = None,
) -> Application:
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if expected_version is not None and locked.version != expected_version:
            raise ChangedMeanwhile
        if not allowed(actor, locked):
            # Allowed on the page the actor saw, but no longer: someone acted first.
            if locked.state != application.state and allowed(actor, application):
                raise ChangedMeanwhile
            raise NotAllowed
        method = getattr(locked, name)
        if not can_proceed(method):
            raise ChangedMeanwhile
        from_state = locked.state
        method()
        locked.version += 1
        if before_save:
            before_save(locked)
        locked.save()
        audit_record(
            actor=actor,
            action=f"application.{name}",
            obj=locked,
            from_state=from_state,
            to_state=locked.state,
            reason=reason,
        )
    return locked


_ACTIVE_STATUSES = [
    RecommenderStatus.INVITED,
    RecommenderStatus.VERIFIED,
    RecommenderStatus.RESPONDED,
]
