"""Small named predicates: may this user do this to this application, in its current state?"""

from applications.enums import (
    AGENCY_QUEUE_STATES,
    EDITABLE_STATES,
    OPEN_STATES,
    WITHDRAWABLE_STATES,
    ApplicationState,
)
from applications.parties import is_party
from titles.db import one_to_one_or_none
from titles.enums import OrganizationKind
from titles.people import organizations_reviewable_by
from titles.permissions import is_agency_staff, is_applicant

__all__ = [
    "can_answer_supplement",
    "can_create_application",
    "can_edit",
    "can_resubmit",
    "can_return",
    "can_review",
    "can_review_eligibility",
    "can_review_notice",
    "can_start_application",
    "can_submit",
    "can_withdraw",
    "has_open_application",
    "is_agency_staff",
    "is_applicant_of",
    "is_party",
    "recommending_body_outside_district",
    "reviews_for_organization",
    "supplement_deadline_passed",
]


def is_applicant_of(user, application) -> bool:
    return user.is_authenticated and application.applicant_id == user.pk


def reviews_for_organization(user, organization_id: int | None) -> bool:
    """True when the user is an employer reviewer acting for that organization."""
    if not user.is_authenticated or organization_id is None:
        return False
    return organizations_reviewable_by(user).filter(pk=organization_id).exists()


def can_edit(user, application) -> bool:
    return is_applicant_of(user, application) and application.state in EDITABLE_STATES


def can_submit(user, application) -> bool:
    return is_applicant_of(user, application) and application.state == ApplicationState.DRAFT


def can_resubmit(user, application) -> bool:
    return is_applicant_of(user, application) and application.state == ApplicationState.RETURNED


def can_withdraw(user, application) -> bool:
    return is_applicant_of(user, application) and application.state in WITHDRAWABLE_STATES


def can_return(user, application) -> bool:
    return application.state == ApplicationState.EMPLOYER_REVIEW and can_review(user, application)


def can_review(user, application) -> bool:
    """The employer reviewer (or the freelancer's recommending body) acting on a submitted one,
    never on one they are a party to (rule 5: their own, one they recommend)."""
    return (
        application.state != ApplicationState.DRAFT
        and reviews_for_organization(user, application.reviewing_organization_id)
        and not is_party(user, application)
    )


can_review_notice = can_review


def can_create_application(user) -> bool:
    """The role that applies (before looking at the person's applications)."""
    return is_applicant(user)


def has_open_application(applications) -> bool:
    """True when one of ``applications`` (all of a person's) is still in progress."""
    return any(application.state in OPEN_STATES for application in applications)


def can_start_application(user, applications) -> bool:
    """May ``user`` start a new application, given all of their ``applications``? One open
    application per person: the dashboard's button and ``application_create`` both ask this."""
    return can_create_application(user) and not has_open_application(applications)


def can_review_eligibility(user, application) -> bool:
    return (
        application.state in AGENCY_QUEUE_STATES
        and is_agency_staff(user)
        and not is_party(user, application)
    )


def recommending_body_outside_district(recommending_body, district: str) -> bool:
    """Rule 12: a freelancer applying through a district HR bureau names the bureau of the
    district they reside in; associations and societies are bound to no district."""
    return (
        recommending_body is not None
        and recommending_body.kind == OrganizationKind.DISTRICT_HR_BUREAU
        and bool(district)
        and recommending_body.district != district
    )


def supplement_deadline_passed(application, *, now) -> bool:
    """The supplement request is still open in the state, but its deadline has passed: the
    applicant may no longer answer or upload, whether or not the sweep has run (rule 3)."""
    if application.state != ApplicationState.SUPPLEMENT_REQUESTED:
        return False
    request = one_to_one_or_none(application, "supplement_request")
    return request is not None and now > request.due_at


def can_answer_supplement(user, application) -> bool:
    return (
        is_applicant_of(user, application)
        and application.state == ApplicationState.SUPPLEMENT_REQUESTED
    )
