"""The shared step of every transition: lock, check, transition, save, audit."""

from collections.abc import Callable

from django.db import transaction
from django.urls import reverse
from django_fsm import can_proceed

from applications.enums import (
    RecommenderStatus,
)
from applications.errors import ChangedMeanwhile, NotAllowed
from applications.models import Application
from titles.audit import audit_record
from titles.enums import Role
from titles.notifications import notify

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


def application_transition(
    *,
    application: Application,
    actor,
    name: str,
    allowed: Callable,
    reason: str = "",
    expected_version: int | None = None,
    before_save: Callable[[Application], None] | None = None,
) -> Application:
    """The transition step for the later stages' apps (review, committee, bureau, certificates).

    ``name`` is the ``@transition`` method on :class:`Application`; ``allowed(actor, application)``
    is the permission predicate; ``before_save(locked)`` runs inside the locked transaction after
    the transition (write the stage's own rows there and queue notices with ``tell``). Raises
    ``ChangedMeanwhile`` when the page's version is stale or another transition came first, and
    ``NotAllowed`` when the actor may not do it.
    """
    return _transition(
        application=application,
        actor=actor,
        name=name,
        allowed=allowed,
        reason=reason,
        expected_version=expected_version,
        before_save=before_save,
    )


def tell(users, application: Application, kind: str, *, url: str = "", **context) -> None:
    """Notify each of ``users`` about the application (the public name of ``_tell``)."""
    _tell(users, application, kind, url=url, **context)


_ACTIVE_STATUSES = [
    RecommenderStatus.INVITED,
    RecommenderStatus.VERIFIED,
    RecommenderStatus.RESPONDED,
]


def _reviewers(application: Application):
    """The employer reviewers (or the freelancer's recommending body's) of the application."""
    from titles.people import reviewers_of_organization

    return reviewers_of_organization(application.reviewing_organization_id)


def _agency_staff():
    from titles.people import users_with_role

    return users_with_role(Role.AGENCY_STAFF)


def _tell(users, application: Application, kind: str, *, url: str = "", **context) -> None:
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
