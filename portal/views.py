"""The pages made of every stage's parts, composed by name and in the stages' order."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from applications import sections as application_sections
from applications.enums import ApplicationState
from applications.models import Application
from bureau import sections as bureau_sections
from certificates import sections as certificate_sections
from committee import sections as committee_sections
from committee.selectors import application_committee_items
from portal import selectors
from review import sections as review_sections
from review import selectors as review_selectors
from titles.enums import Role
from titles.people import dashboard_role_panels


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The application page: the application itself, then each stage's section in order, then
    the timeline. A stage's section is None for a person it shows nothing to."""
    try:
        application = selectors.application_for_page(request.user, pk)
    except Application.DoesNotExist as error:
        raise Http404 from error  # never someone else's data
    # The committee's agenda items and decision: one query, for its section and the bureau's.
    agenda_items, committee_decision = application_committee_items(application, request.user)
    # Its audit events (the timeline, and the decisions the sections show) and its submitted
    # form versions: read once, for every section that asks.
    events, versions = selectors.application_records(application)
    sections = [
        application_sections.decision_against_section(
            request, application, events=events, committee_decision=committee_decision
        ),
        application_sections.application_section(
            request, application, events=events, versions=versions
        ),
        application_sections.form_versions_section(
            request, application, events=events, versions=versions
        ),
        review_sections.panel_section(request, application),
        committee_sections.committee_section(
            request, application, items=agenda_items, decision=committee_decision
        ),
        bureau_sections.bureau_section(request, application, committee_decision=committee_decision),
        certificate_sections.certificate_section(request, application),
    ]
    return render(
        request,
        "portal/application.html",
        {
            "application": application,
            "sections": [section for section in sections if section is not None],
            "state_labels": dict(ApplicationState.choices),
            "events": events,
            # Rule 10: who the panel experts are is for staff (not the applicant, not others).
            "withheld": review_selectors.expert_identity_actions_withheld_from(request.user),
        },
    )


# Each role's dashboard panel, filled by the stage that role works in.
ROLE_PANELS = {
    Role.APPLICANT: application_sections.applicant_panel,
    Role.EMPLOYER_REVIEWER: application_sections.employer_panel,
    Role.AGENCY_STAFF: application_sections.agency_panel,
    Role.PANEL_EXPERT: review_sections.expert_panel,
    Role.COMMITTEE_MEMBER: committee_sections.committee_panel,
    Role.COMMITTEE_CHAIRMAN: committee_sections.committee_panel,
    Role.BUREAU_STAFF: bureau_sections.bureau_panel,
}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """One panel per role the person holds, each filled by its role's stage."""
    panels = dashboard_role_panels(request.user)
    for panel in panels:
        fill = ROLE_PANELS.get(panel.role)
        if fill is not None:
            section = fill(request.user)
            panel.template, panel.context = section.template, section.context
    return render(
        request,
        "portal/dashboard.html",
        {
            "role_panels": panels,
            "member_panel": application_sections.member_panel(request.user),
        },
    )


def application_page(handler, *, methods=("GET",)):
    """A stage's page about one application, for whoever may open it (rule 10, which only the
    portal knows): the application is found here and handed to ``handler(request, application,
    **kwargs)``; anyone else gets a 404, never someone else's data."""

    @login_required
    @require_http_methods(list(methods))
    @wraps(handler)
    def page(request: HttpRequest, pk: int, **kwargs) -> HttpResponse:
        application = selectors.applications_visible_to(request.user).filter(pk=pk).first()
        if application is None:
            raise Http404
        return handler(request, application, **kwargs)

    return page
