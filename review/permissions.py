"""May this user act on the panel stage of this application?"""

from applications.enums import ApplicationState
from applications.parties import is_party
from titles.permissions import is_panel_expert, is_panel_staff

__all__ = ["can_assign", "can_work_on", "is_panel_expert", "is_panel_staff"]


def can_assign(user, application) -> bool:
    return (
        application.state == ApplicationState.PANEL_REVIEW
        and is_panel_staff(user)
        and not is_party(user, application)
    )


def can_work_on(user, assignment) -> bool:
    """The assigned expert, while the assignment stands and the panel review runs."""
    return (
        user.is_authenticated
        and assignment.expert_id == user.pk
        and assignment.active
        and assignment.application.state == ApplicationState.PANEL_REVIEW
    )
