"""Template context shared by every page."""

from django.http import HttpRequest

from titles.notifications import notification_unread_count


def notifications(request: HttpRequest) -> dict:
    """The signed-in user's unread notice count for the header: read with the user by
    ``titles.backends.AccountBackend`` (a query here otherwise); nothing when signed out."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(user, "unread_notification_count", None)
    if count is None:
        count = notification_unread_count(user=user)
    return {"unread_notifications_count": count}
