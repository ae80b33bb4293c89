"""Submit, return, resubmit and withdraw."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import permissions
from applications.enums import AGENCY_QUEUE_STATES
from applications.errors import RuleViolation
from applications.models import Application, InternalNotice, MaterialVersion, SupplementRequest
from applications.selectors import application_missing_items
from applications.services.base import agency_staff, application_transition, reviewers_of, tell
from applications.services.versions import form_version_record
from titles.deadlines import deadline_close
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
        form_version_record(application=locked, actor=actor, now=now)
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


def deadlines_close_all(application: Application) -> None:
    """Stop every deadline of stages 1-2 the application still tracks (rule 11): its eligibility
    review time, its internal notice's end, its supplement deadline. A later holiday schedule
    then moves none of them, and reports none as moved."""
    deadline_close(obj=application, field="eligibility_due_at")
    for notice in InternalNotice.objects.filter(application=application):
        deadline_close(obj=notice, field="ends_at")
    for request in SupplementRequest.objects.filter(application=application):
        deadline_close(obj=request, field="due_at")


def withdrawal_audience(application: Application, *, before: str) -> list:
    """Who was working on the application in stages 1-2 and is told of its withdrawal: the
    employer's reviewers once submitted, the agency's staff once it reached them."""
    people = []
    if application.submitted_at:
        people += list(reviewers_of(application))
    if application.recommended_at or before in AGENCY_QUEUE_STATES:
        people += list(agency_staff())
    return people


def application_withdraw(
    *, application: Application, actor, reason: str = "", expected_version: int | None = None
) -> Application:
    """The applicant withdraws (any state before committee review).

    Closes every deadline the application tracks in stages 1-2 and tells the employer's
    reviewers and the agency's staff who were working on it. The later stages' part (the panel's
    assignments, an agenda) is ended by ``portal.services.application_withdraw``, which the
    withdraw page calls.
    """
    before = application.state
    with application_transition(
        application=application,
        actor=actor,
        name="withdraw",
        allowed=permissions.can_withdraw,
        reason=reason.strip(),
        expected_version=expected_version,
    ) as locked:
        deadlines_close_all(locked)
        tell(withdrawal_audience(locked, before=before), locked, "application_withdrawn")
    return locked
