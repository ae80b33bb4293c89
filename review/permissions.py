"""May this user act on the panel stage of this application?"""

from applications.enums import ApplicationState
from titles.enums import Role
from titles.people import has_role


def _in_group(user, *roles: str) -> bool:
    return has_role(user, *roles)


def is_panel_staff(user) -> bool:
    """Agency and bureau staff assign experts and replace them."""
    return _in_group(user, Role.AGENCY_STAFF, Role.BUREAU_STAFF)


def is_panel_expert(user) -> bool:
    return _in_group(user, Role.PANEL_EXPERT)


def can_assign(user, application) -> bool:
    return application.state == ApplicationState.PANEL_REVIEW and is_panel_staff(user)


def can_work_on(user, assignment) -> bool:
    """The assigned expert, while the assignment stands and the panel review runs."""
    return (
        user.is_authenticated
        and assignment.expert_id == user.pk
        and assignment.active
        and assignment.application.state == ApplicationState.PANEL_REVIEW
    )
