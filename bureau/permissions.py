"""Small named predicates for the bureau's decisions (role and state together)."""

from applications.enums import ApplicationState
from titles.permissions import is_bureau_staff

__all__ = [
    "can_confirm_special_issuance",
    "can_decide",
    "can_decide_objection",
    "is_bureau_staff",
]


def can_decide(user, application) -> bool:
    """Publish, issue without a notice, or reject: bureau staff, while in bureau review."""
    return application.state == ApplicationState.BUREAU_REVIEW and is_bureau_staff(user)


def can_decide_objection(user, application) -> bool:
    return application.state == ApplicationState.PUBLIC_NOTICE and is_bureau_staff(user)


def can_confirm_special_issuance(user, issuance) -> bool:
    """A second, different bureau staff member (never the one who proposed it)."""
    return is_bureau_staff(user) and issuance.proposed_by_id != user.pk
