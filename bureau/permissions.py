"""Small named predicates for the bureau's decisions (role and state together)."""

from applications.enums import ApplicationState
from applications.parties import is_party
from titles.permissions import is_bureau_staff

__all__ = [
    "can_confirm_special_issuance",
    "can_decide",
    "can_decide_objection",
    "is_bureau_staff",
    "may_decide_objection",
]


def can_decide(user, application) -> bool:
    """Publish, issue without a notice, or reject: bureau staff, while in bureau review, never
    on an application they are a party to (rule 5)."""
    return (
        application.state == ApplicationState.BUREAU_REVIEW
        and is_bureau_staff(user)
        and not is_party(user, application)
    )


def may_decide_objection(user, application) -> bool:
    """Who decides an objection on the public notice: bureau staff not party to it."""
    return is_bureau_staff(user) and not is_party(user, application)


def can_decide_objection(user, application) -> bool:
    return application.state == ApplicationState.PUBLIC_NOTICE and may_decide_objection(
        user, application
    )


def can_confirm_special_issuance(user, issuance) -> bool:
    """A second, different bureau staff member (never the one who proposed it), not a party."""
    return (
        is_bureau_staff(user)
        and issuance.proposed_by_id != user.pk
        and not is_party(user, issuance.application)
    )
