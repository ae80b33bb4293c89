"""Role predicates: does this person hold the role a stage's rule starts from?

Every stage's ``permissions`` combines these with the state of the thing acted on; they live in
the foundation so that no stage asks another stage whether someone holds a role.
"""

from titles.enums import Role
from titles.people import has_role


def is_applicant(user) -> bool:
    return has_role(user, Role.APPLICANT)


def is_employer_reviewer(user) -> bool:
    return has_role(user, Role.EMPLOYER_REVIEWER)


def is_agency_staff(user) -> bool:
    return has_role(user, Role.AGENCY_STAFF)


def is_panel_expert(user) -> bool:
    return has_role(user, Role.PANEL_EXPERT)


def is_panel_staff(user) -> bool:
    """Agency and bureau staff: they assign panel experts and replace them."""
    return has_role(user, Role.AGENCY_STAFF, Role.BUREAU_STAFF)


def is_bureau_staff(user) -> bool:
    """An active account in the bureau staff role."""
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and has_role(user, Role.BUREAU_STAFF)
    )
