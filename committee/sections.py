"""The committee's parts of the pages the portal composes: its section of the application page
and the members' dashboard panel."""

from committee import selectors
from committee.enums import MeetingStatus
from titles.pages import Section


def committee_section(
    request, application, *, items: list, decision: dict | None
) -> Section | None:
    """The application's agenda items and the committee's decision, for the members of the
    committees it was on the agenda of; None for anyone else.

    ``items`` and ``decision`` come from ``selectors.application_committee_items``, which the
    page reads once, for this section and the bureau's.
    """
    if not items:
        return None
    return Section("committee/_detail_section.html", {"items": items, "decision": decision})


def committee_panel(user) -> Section:
    """The meetings still to come or running of the committees the person sits on."""
    meetings = list(
        selectors.meetings_visible_to(user)
        .exclude(status=MeetingStatus.CLOSED)
        .order_by("starts_at", "pk")[:5]
    )
    return Section("committee/_dashboard_panel.html", {"meetings": meetings})
