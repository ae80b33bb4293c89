"""The shared step of every transition: lock, check, transition, save, audit.

A service reads top to bottom::

    with application_transition(
        application=application, actor=actor, name="decline", allowed=permissions.can_review
    ) as locked:
        locked.decline_reason = reason  # the stage's own writes, on the locked row
        tell([locked.applicant], locked, "application_declined", reason=reason)
    return locked

Every stage changes an application's state only through :func:`application_transition`.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from applications.errors import ChangedMeanwhile, NotAllowed, RuleViolation
from applications.models import Application
from titles.audit import audit_record
from titles.enums import Role
from titles.notifications import notify
from titles.people import reviewers_of_organization, users_with_role


def anyone(actor, application) -> bool:
    """The permission of a step the system takes (the sweep, a finished check): always."""
    return True


@contextmanager
def application_locked(
    *,
    application: Application,
    actor,
    allowed: Callable,
    expected_version: int | None = None,
) -> Iterator[Application]:
    """Inside one transaction: the application's row locked and checked, for a change that is
    not a transition of its own (a proposal, say).

    Raises ``ChangedMeanwhile`` when the page's version is stale, or when the actor was allowed
    on the page they saw but someone acted first; ``NotAllowed`` when the actor may not do it.
    """
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if expected_version is not None and locked.version != expected_version:
            raise ChangedMeanwhile
        if not allowed(actor, locked):
            # Allowed on the page the actor saw, but no longer: someone acted first.
            if locked.state != application.state and allowed(actor, application):
                raise ChangedMeanwhile
            raise NotAllowed
        yield locked


@contextmanager
def application_transition(
    *,
    application: Application,
    actor,
    name: str,
    allowed: Callable,
    reason: str = "",
    expected_version: int | None = None,
    data: dict | None = None,
) -> Iterator[Application]:
    """Run the ``@transition`` method ``name`` on the locked application; the block writes the
    stage's own rows and queues notices (``tell``) in the same transaction; then the row is
    saved with its version bumped and the transition audited (who, from, to, why).

    ``allowed(actor, application)`` is the permission predicate. Raises ``ChangedMeanwhile``
    when the page's version is stale or another transition came first, and ``NotAllowed`` when
    the actor may not do it; an exception in the block rolls everything back. A reason the
    system gives (not a person) goes as ``data``, worded per language by the timeline
    (``titles.audit.audit_action_reason_register``).
    """
    with application_locked(
        application=application, actor=actor, allowed=allowed, expected_version=expected_version
    ) as locked:
        method = getattr(locked, name)
        if not can_proceed(method):
            raise ChangedMeanwhile
        from_state = locked.state
        method()
        locked.version += 1
        yield locked
        locked.save()
        audit_record(
            actor=actor,
            action=f"application.{name}",
            obj=locked,
            from_state=from_state,
            to_state=locked.state,
            reason=reason,
            data=data,
        )


REASON_MAX = 5000


def decision_reason(reason: str, *, missing) -> str:
    """The reason for a decision (rule 13), trimmed; refused with the message ``missing`` when
    empty, and when longer than ``REASON_MAX`` characters."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(missing)
    if len(reason) > REASON_MAX:
        raise RuleViolation(
            _("The reason is longer than %(limit)s characters.") % {"limit": REASON_MAX}
        )
    return reason


def tell(users, application: Application, kind: str, *, url: str = "", **context) -> None:
    """Notify each of ``users`` about the application (link: its page, unless ``url``)."""
    for user in users:
        notify(
            recipient=user,
            kind=kind,
            context={
                "reference": application.reference,
                "applicant": application.applicant.display_name,
                **context,
            },
            url=url or reverse("applications:detail", args=[application.pk]),
        )


def reviewers_of(application: Application):
    """The employer reviewers (or the freelancer's recommending body's) of the application."""
    return reviewers_of_organization(application.reviewing_organization_id)


def agency_staff():
    return users_with_role(Role.AGENCY_STAFF)
