"""Writes that span the stages, composed by name and in stage order (the top floor).

Withdrawal ends everything it started (DOMAIN.md rule 11): the application's own transition
closes the deadlines of stages 1-2 and tells the employer's reviewers and the agency's staff;
then each later stage ends its own part, in the same transaction.
"""

from django.db import transaction

from applications import services as application_services
from applications.models import Application
from committee import services as committee_services
from review import services as review_services


def application_withdraw(
    *, application: Application, actor, reason: str = "", expected_version: int | None = None
) -> Application:
    """The applicant withdraws: the transition (``applications``), then the panel's standing
    assignments end with their permissions and deadlines (``review``), then the application
    leaves every agenda not yet voted (``committee``); everyone working on it is told. One
    transaction: a refusal anywhere changes nothing."""
    with transaction.atomic():
        withdrawn = application_services.application_withdraw(
            application=application,
            actor=actor,
            reason=reason,
            expected_version=expected_version,
        )
        review_services.assignments_end_on_withdrawal(application=withdrawn, actor=actor)
        committee_services.agenda_leave_on_withdrawal(application=withdrawn, actor=actor)
    return withdrawn
