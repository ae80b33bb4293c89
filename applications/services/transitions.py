"""Submit, return, resubmit and withdraw."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import permissions
from applications.errors import RuleViolation
from applications.form_pdf import submitted_form_record
from applications.models import Application, MaterialVersion
from applications.selectors import application_missing_items
from applications.services.base import application_transition, reviewers_of, tell
from titles.models import Round


def materials_freeze(application: Application, *, now) -> None:
    """Stamp every version not yet submitted: from now on it stays as it is (rule 9)."""
    MaterialVersion.objects.filter(
        material__application=application, submitted_at__isnull=True
    ).update(submitted_at=now)


def application_submit(
    *, application: Application, actor, declaration: bool, expected_version: int | None = None
) -> Application:
    """Submit a complete draft to the employer (or recommending body): materials freeze."""
    return _send_to_employer(
        application=application,
        actor=actor,
        declaration=declaration,
        expected_version=expected_version,
        name="submit",
        allowed=permissions.can_submit,
        notice="application_submitted",
    )


def application_resubmit(
    *, application: Application, actor, declaration: bool, expected_version: int | None = None
) -> Application:
    """The applicant sends a returned application back to the employer after changes."""
    return _send_to_employer(
        application=application,
        actor=actor,
        declaration=declaration,
        expected_version=expected_version,
        name="resubmit",
        allowed=permissions.can_resubmit,
        notice="application_resubmitted",
    )


def _send_to_employer(
    *, application, actor, declaration, expected_version, name, allowed, notice
) -> Application:
    """Submit or resubmit: complete, declared authentic, materials frozen, reviewers told."""
    if not declaration:
        raise RuleViolation(_("Confirm the authenticity declaration to submit."))
    with application_transition(
        application=application,
        actor=actor,
        name=name,
        allowed=allowed,
        expected_version=expected_version,
    ) as locked:
        missing = application_missing_items(locked)
        if missing:
            raise RuleViolation(
                _("The application is not complete yet: %(missing)s")
                % {"missing": "; ".join(str(item) for item in missing)}
            )
        now = timezone.now()
        locked.authenticity_declared_at = now
        locked.submitted_at = locked.submitted_at or now
        if locked.round_id is None:
            locked.round = Round.open_on(timezone.localdate(locked.submitted_at))
        materials_freeze(locked, now=now)
        submitted_form_record(locked, now=now)
        tell(reviewers_of(locked), locked, notice)
    return locked


def application_return(
    *, application: Application, actor, reason: str, expected_version: int | None = None
) -> Application:
    """The employer returns the application to the applicant with reasons, for changes."""
    reason = reason.strip()
    if not reason:
        raise RuleViolation(_("Give the reasons for returning the application."))
    with application_transition(
        application=application,
        actor=actor,
        name="return_to_applicant",
        allowed=permissions.can_return,
        reason=reason,
        expected_version=expected_version,
    ) as locked:
        tell([locked.applicant], locked, "application_returned", reason=reason)
    return locked


def application_withdraw(
    *, application: Application, actor, reason: str = "", expected_version: int | None = None
) -> Application:
    """The applicant withdraws (any state before committee review)."""
    with application_transition(
        application=application,
        actor=actor,
        name="withdraw",
        allowed=permissions.can_withdraw,
        reason=reason.strip(),
        expected_version=expected_version,
    ) as locked:
        if locked.submitted_at:
            tell(reviewers_of(locked), locked, "application_withdrawn")
    return locked
