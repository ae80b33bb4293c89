"""The audit trail: every state change and every assignment writes one :class:`AuditEvent`.

Call :func:`audit_record` inside the transaction that makes the change, so the event exists exactly
when the change does. Events form a hash chain: each hash covers the event's content and the
previous event's hash; :func:`audit_verify` finds the first altered or missing row.
"""

import hashlib
import json
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.functional import Promise

from titles.models import AuditEvent

GENESIS_HASH = "0" * 64
# Serialises appends so that each event names the hash of the one committed before it.
AUDIT_CHAIN_LOCK_KEY = 727_002

# The IP address of the request being served, set by titles.middleware.RequestContextMiddleware.
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)

_ACTION_LABELS: dict[str, str | Promise] = {}


def audit_action_label_register(action: str, label: str | Promise) -> None:
    """Give ``action`` a translatable label for timelines (each stage registers its own)."""
    _ACTION_LABELS[action] = label


def audit_action_label(action: str) -> str:
    return str(_ACTION_LABELS.get(action, action))


# Reasons the system writes itself (not typed by a person): kept as the event's data, and
# worded in the reader's language when shown (a stage registers the wording per action).
_ACTION_REASONS: dict[str, str | Promise] = {}


def audit_action_reason_register(action: str, text: str | Promise) -> None:
    """Word the system's reason for ``action`` from the event's data (``%(name)s`` keys)."""
    _ACTION_REASONS[action] = text


def audit_reason_text(event: AuditEvent) -> str:
    """The event's reason: as typed by its actor, or the system's, in the reader's language."""
    if event.reason:
        return event.reason
    text = _ACTION_REASONS.get(event.action)
    data = event.data if isinstance(event.data, dict) else {}
    if text is None:
        return ""
    try:
        return str(text) % data
    except (KeyError, TypeError, ValueError):
        return ""


def _content(event: AuditEvent) -> dict:
    return {
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "reason": event.reason,
        "data": event.data,
        "ip_address": event.ip_address,
        "previous_hash": event.previous_hash,
    }


def audit_hash(event: AuditEvent) -> str:
    canonical = json.dumps(_content(event), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def object_key(obj: models.Model) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the chain. Pass ``obj``, or ``object_type`` and ``object_id``.

    Runs in the caller's transaction (or its own); it holds the chain lock until that commits.
    """
    if obj is not None:
        object_type, object_id = object_key(obj)
    actor = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK_KEY])
        previous = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor=actor,
            actor_label=(actor.display_name if actor else "")[:150],
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data or {},
            ip_address=ip_address or current_ip.get(),
            previous_hash=previous or GENESIS_HASH,
        )
        event.hash = audit_hash(event)
        event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class AuditProblem:
    event_id: int
    problem: str

    def __str__(self) -> str:
        return f"audit event {self.event_id}: {self.problem}"


def audit_verify(*, batch_size: int = 2000) -> AuditProblem | None:
    """Walk the chain in order; return the first altered or missing row, or None when intact."""
    previous_hash = GENESIS_HASH
    for event in _events_in_order(batch_size):
        if event.previous_hash != previous_hash:
            return AuditProblem(event.pk, "the event before it is missing or was altered")
        if audit_hash(event) != event.hash:
            return AuditProblem(event.pk, "its content was altered")
        previous_hash = event.hash
    return None


def _events_in_order(batch_size: int) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id


def audit_events_for(obj: models.Model):
    """The object's events, oldest first (the timeline)."""
    object_type, object_id = object_key(obj)
    return AuditEvent.objects.filter(object_type=object_type, object_id=object_id).select_related(
        "actor"
    )


def latest_event(events, *, actions, to_state: str | None = None):
    """The latest of ``events`` (read already) whose action is one of ``actions`` (and which
    went to ``to_state``, when given), or None: a page that shows the timeline reads an
    object's events once and asks them its questions."""
    found = [
        event
        for event in events
        if event.action in actions and (to_state is None or event.to_state == to_state)
    ]
    return max(found, key=lambda event: (event.occurred_at, event.pk), default=None)
