"""Small named predicates: may this user do this to this application, in its current state?"""

from applications.enums import EDITABLE_STATES, WITHDRAWABLE_STATES, ApplicationState
from titles.enums import Role
from titles.people import has_role


def is_applicant_of(user, application) -> bool:
    return user.is_authenticated and application.applicant_id == user.pk


def reviews_for_organization(user, organization_id: int | None) -> bool:
    """True when the user is an employer reviewer acting for that organization."""
    if not user.is_authenticated or organization_id is None:
        return False
    from titles.people import organizations_reviewable_by

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
    """The employer reviewer (or the freelancer's recommending body) acting on a submitted one."""
    return application.state != ApplicationState.DRAFT and reviews_for_organization(
        user, application.reviewing_organization_id
    )


can_review_notice = can_review


def can_create_application(user) -> bool:
    return has_role(user, Role.APPLICANT)


def is_agency_staff(user) -> bool:
    return has_role(user, Role.AGENCY_STAFF)


def can_review_eligibility(user, application) -> bool:
    return application.state in (
        ApplicationState.ELIGIBILITY_REVIEW,
        ApplicationState.SUPPLEMENT_REQUESTED,
    ) and is_agency_staff(user)


def can_answer_supplement(user, application) -> bool:
    return (
        is_applicant_of(user, application)
        and application.state == ApplicationState.SUPPLEMENT_REQUESTED
    )
