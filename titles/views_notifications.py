"""The notifications page: the signed-in user's own notices, newest first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from titles.notifications import (
    notification_mark_all_read,
    notification_mark_read,
    notifications_for,
)

NOTIFICATIONS_PER_PAGE = 20


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(notifications_for(user=request.user), NOTIFICATIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "titles/notifications.html", {"page": page})


@login_required
@require_POST
def notification_mark_all_read_view(request: HttpRequest) -> HttpResponse:
    changed = notification_mark_all_read(user=request.user)
    if changed:
        messages.success(request, _("All notifications are marked as read."))
    else:
        messages.info(request, _("There were no unread notifications."))
    return HttpResponseRedirect(reverse("notifications"))


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Following a notice's link marks it read (issue #22), then goes where it points (a notice
    without a same-site link: back to the list)."""
    notification = get_object_or_404(notifications_for(user=request.user), pk=pk)
    notification_mark_read(notification=notification)
    return HttpResponseRedirect(notification.safe_url or reverse("notifications"))


@login_required
@require_POST
def notification_mark_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(notifications_for(user=request.user), pk=pk)
    notification_mark_read(notification=notification)
    return HttpResponseRedirect(reverse("notifications"))
