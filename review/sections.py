"""The panel's parts of the pages the portal composes: its section of the application page and
the panel expert's dashboard panel."""

from applications.enums import ApplicationState
from review import permissions, selectors
from review.enums import ACTIVE_ASSIGNMENT_STATUSES
from review.models import Assignment
from titles.db import one_to_one_or_none
from titles.pages import Section

PANEL_SECTION_STATES = {
    ApplicationState.PANEL_REVIEW,
    ApplicationState.WITHDRAWN,  # may be withdrawn during the panel review
    *selectors.PANEL_DONE_STATES,
}


def panel_section(request, application) -> Section | None:
    """Staff see who assesses the application (and, once done, the panel's summary); an
    assigned expert their own assessment's link; None for anyone else."""
    user = request.user
    if application.state not in PANEL_SECTION_STATES:
        return None  # no assignment can exist before the panel review: no query
    assignments = None
    if permissions.is_panel_staff(user):
        assignments = selectors.assignments_of(application)
        summary = selectors.panel_summary(application=application, assignments=assignments)
        can_assign = permissions.can_assign(user, application)
        if can_assign or summary:
            return Section(
                "review/_detail_section.html",
                {
                    "staff": True,
                    "assignments": assignments,
                    "summary": summary,
                    "can_assign": can_assign,
                },
            )
    if not permissions.is_panel_expert(user):
        return None  # assignments go to panel experts only
    if assignments is not None:
        own = next((a for a in assignments if a.expert_id == user.pk and a.active), None)
    else:
        own = Assignment.objects.filter(
            application=application, expert=user, status__in=ACTIVE_ASSIGNMENT_STATUSES
        ).first()
    if own is not None:
        return Section("review/_detail_section.html", {"staff": False, "own": own})
    return None


def expert_panel(user) -> Section:
    """The expert's latest assignments, and how many still await their opinion."""
    queue = list(selectors.expert_queue(user)[:10])
    pending = sum(
        1
        for assignment in queue
        if not ((opinion := one_to_one_or_none(assignment, "opinion")) and opinion.submitted)
    )
    return Section("review/_dashboard_panel.html", {"assignments": queue, "pending": pending})
