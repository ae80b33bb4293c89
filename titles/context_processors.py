"""Template context shared by every page."""

from django.http import HttpRequest

from titles.notifications import notification_unread_count


def notifications(request: HttpRequest) -> dict:
    """The signed-in user's unread notice count for the header (one query; none when signed out)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications_count": notification_unread_count(user=user)}
