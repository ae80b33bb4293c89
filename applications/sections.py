"""Stages 1 and 2's parts of the pages the portal composes: the application page's record,
the employer's and the agency's decisions on it, and their roles' dashboard panels."""

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from applications import permissions, selectors, services
from applications.enums import EMPLOYER_QUEUE_STATES, ApplicationState
from applications.forms import (
    DeclineForm,
    EligibilityAcceptForm,
    EligibilityRejectForm,
    OfficerAssignForm,
    OpenNoticeForm,
    RecommendForm,
    ReturnForm,
    SupplementRequestForm,
)
from applications.outcomes import decision_against
from titles.db import one_to_one_or_none
from titles.enums import JoinRequestStatus
from titles.pages import Section
from titles.people import id_number_for_viewer, join_requests_of, organizations_of_person
from titles.permissions import is_agency_staff, is_bureau_staff

# --- the application page ---------------------------------------------------------------------


def _sees_id_number(user, application) -> bool:
    """The applicant, the employer's reviewers, the agency and the bureau check the person's
    identity; panel experts and committee members assess the work, and do not see it."""
    return (
        permissions.is_applicant_of(user, application)
        or is_agency_staff(user)
        or is_bureau_staff(user)
        or permissions.reviews_for_organization(
            user, application.employer_id or application.recommending_body_id
        )
    )


def decision_against_section(
    request, application, *, events, committee_decision=None
) -> Section | None:
    """For the applicant, at the top of the page: the decision that went against them, its
    reason and what they can do next (rule 13); None for anyone else, or when there is none.
    ``events`` are the application's audit events (the page reads them once);
    ``committee_decision`` is the committee's result (its numbers, the rule and arithmetic)."""
    if not permissions.is_applicant_of(request.user, application):
        return None
    committee_reason = ""
    if committee_decision:
        committee_reason = gettext(
            "%(consent)s of the %(present)s members present consented (%(arithmetic)s); "
            "the rule: %(rule)s."
        ) % {
            "consent": committee_decision["consent"],
            "present": committee_decision["present"],
            "arithmetic": committee_decision["arithmetic"],
            "rule": committee_decision["rule"],
        }
    decision = decision_against(application, events=events, committee_reason=committee_reason)
    if decision is None:
        return None
    return Section("applications/_decision_against.html", {"decision": decision})


def application_section(request, application, *, events, versions) -> Section:
    """The application itself (shown to everyone who may open it), what happens next, and the
    applicant's, the employer reviewer's and the agency's decisions on it. ``events`` and
    ``versions`` are its audit events and submitted form versions (the page reads them once)."""
    user = request.user
    sees_id_number = _sees_id_number(user, application)
    return Section(
        "applications/_detail_section.html",
        {
            "application": application,
            "next_step": selectors.application_next_step(application, viewer=user),
            "return_reason": selectors.return_reason(application, events=events),
            "recommenders": selectors.active_recommenders(application),
            "id_number": id_number_for_viewer(subject=application.applicant, viewer=user)
            if sees_id_number
            else "",
            "hide_id_number": not sees_id_number,
            "can_edit": permissions.can_edit(user, application),
            "can_withdraw": permissions.can_withdraw(user, application),
            "can_return": permissions.can_return(user, application),
            "return_form": ReturnForm(initial={"version": application.version}),
            # Each submission's form can be printed again (issue #23): after a return, the one
            # a reviewer decided on differs from today's.
            "submitted_forms": [(version.number, version.submitted_at) for version in versions],
            **_employer_decisions(user, application),
            **_eligibility_decisions(user, application),
        },
    )


def form_versions_section(request, application, *, events, versions) -> Section | None:
    """The form's submitted ``versions`` (rule 9): what changed since the previous submission,
    and which version each stage decided on (from its audit ``events``); None before the first
    submission."""
    if not versions:
        return None
    changes = selectors.form_changes(versions[-2], versions[-1]) if len(versions) > 1 else []
    return Section(
        "applications/_form_versions.html",
        {
            "versions": versions,
            "latest": versions[-1],
            "changes": changes,
            "decisions": selectors.decisions_on_versions(versions, events=events),
        },
    )


def _employer_decisions(user, application) -> dict:
    """The reviewer's decision forms for the application's current state."""
    if not permissions.can_review(user, application):
        return {}
    context: dict = {"can_review": True}
    version = {"version": application.version}
    if application.state == ApplicationState.EMPLOYER_REVIEW:
        ends_at, _provisional = services.internal_notice_period(
            published=timezone.now(), working_days=services.MIN_NOTICE_WORKING_DAYS
        )
        context["decline_form"] = DeclineForm(initial=version)
        context["open_notice_form"] = OpenNoticeForm(
            initial={
                **version,
                "text": services.internal_notice_text(application, ends_at=ends_at),
                "end_in_text": services.notice_end_text(ends_at),
                "working_days": services.MIN_NOTICE_WORKING_DAYS,
            }
        )
    if application.state == ApplicationState.NOTICE_PASSED:
        context["recommend_form"] = RecommendForm(initial=version)
    return context


def _eligibility_decisions(user, application) -> dict:
    """The agency's checklist and decision forms."""
    if not permissions.can_review_eligibility(user, application):
        return {}
    version = {"version": application.version}
    context: dict = {
        "can_review_eligibility": True,
        "checklist": selectors.eligibility_checklist(application),
        "officer_form": OfficerAssignForm(initial={"officer": application.agency_officer_id}),
    }
    if application.state == ApplicationState.ELIGIBILITY_REVIEW:
        context["accept_form"] = EligibilityAcceptForm(initial=version)
        context["reject_form"] = EligibilityRejectForm(initial=version)
        if one_to_one_or_none(application, "supplement_request") is None:
            context["supplement_form"] = SupplementRequestForm(
                initial={**version, "working_days": services.SUPPLEMENT_DEFAULT_WORKING_DAYS},
                checklist=context["checklist"],
            )
    return context


# --- the dashboard ----------------------------------------------------------------------------


def applicant_panel(user) -> Section:
    """The applicant's applications, what happens next in each, and whether they may start one."""
    applications = list(selectors.applicant_dashboard_applications(user))
    return Section(
        "applications/_dashboard_panel.html",
        {
            "applications": [
                {"application": a, "next_step": selectors.application_next_step(a)}
                for a in applications
            ],
            "may_start": permissions.can_start_application(user, applications),
            "new_url": reverse("applications:new"),
        },
    )


def employer_panel(user) -> Section:
    """How many applications await the employer reviewer."""
    awaiting = selectors.employer_queue(user, states=EMPLOYER_QUEUE_STATES).count()
    return Section("applications/_employer_panel.html", {"awaiting": awaiting})


def agency_panel(user) -> Section:
    """How many applications await the agency, and how many of them are overdue (rule 4)."""
    now = timezone.now()
    counts = selectors.agency_queue(now=now).aggregate(
        awaiting=Count("pk"), overdue=Count("pk", filter=selectors.eligibility_overdue(now))
    )
    return Section("applications/_agency_panel.html", counts)


MEMBER_PANEL_NOTICES = 5


def member_panel(user) -> Section:
    """The organizations the person belongs to and their running internal notices (DOMAIN rule
    2: members may object under their name), their requests to join, and the ways in."""
    organizations = list(organizations_of_person(user))
    # The ones ending first (a large employer runs hundreds at once): one more row read tells
    # whether the panel links to the page of every running notice.
    notices = (
        list(
            selectors.internal_notices_running_for(user, now=timezone.now())[
                : MEMBER_PANEL_NOTICES + 1
            ]
        )
        if any(organization.is_approved for organization in organizations)
        else []
    )
    return Section(
        "applications/_member_panel.html",
        {
            "organizations": organizations,
            "notices": notices[:MEMBER_PANEL_NOTICES],
            "more_notices": len(notices) > MEMBER_PANEL_NOTICES,
            "join_requests": list(join_requests_of(user).filter(status=JoinRequestStatus.PENDING)),
        },
    )
