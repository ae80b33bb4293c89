"""Who may download, revoke and issue certificates."""

from applications.enums import ApplicationState
from applications.parties import is_party
from titles.permissions import is_bureau_staff


def can_download(user, certificate) -> bool:
    """The holder, and bureau staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    return certificate.application.applicant_id == user.pk or is_bureau_staff(user)


def can_revoke(user, application) -> bool:
    return (
        application.state == ApplicationState.CERTIFIED
        and is_bureau_staff(user)
        and not is_party(user, application)
    )


def can_issue(user) -> bool:
    return is_bureau_staff(user)
