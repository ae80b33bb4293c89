"""Template context shared by every page."""

from django.http import HttpRequest

from titles.notifications import notification_unread_count
from titles.twofactor import Gate, two_factor_gate


def _past_second_step(request, user) -> bool:
    """Verified with a second factor in this session, or not asked for one."""
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None or is_verified():
        return True
    gate = getattr(request, "two_factor_gate", None) or two_factor_gate(user)
    return gate is Gate.OPEN


def notifications(request: HttpRequest) -> dict:
    """The signed-in user's unread notice count for the header: read with the user by
    ``titles.backends.AccountBackend`` (a query here otherwise); nothing when signed out."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not _past_second_step(request, user):
        # Signed in with the password, the code still to come: the header shows nothing of
        # the account (issue 22), only the way out.
        return {"second_step_pending": True}
    count = getattr(user, "unread_notification_count", None)
    if count is None:
        count = notification_unread_count(user=user)
    return {"unread_notifications_count": count}
