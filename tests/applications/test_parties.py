"""Rule 5: nobody acts on an application they are a party to (applicant, recommender, declared
conflict), at any stage; one predicate, ``applications.parties.is_party``."""

import pytest
from django.utils import translation

from applications import services
from applications.enums import ApplicationState
from applications.errors import NotAllowed
from applications.models import Application, DeclaredConflict
from applications.parties import conflict_declare, is_party, parties_among
from bureau import permissions as bureau_permissions
from bureau import services as bureau_services
from certificates import permissions as certificate_permissions
from review import permissions as review_permissions
from tests.applications.factories import add_recommender, application_in, organization
from tests.bureau.factories import bureau_staff
from tests.factories import UserFactory
from tests.review.factories import staff as panel_staff
from titles.enums import OrganizationKind, Role
from titles.people import role_grant

S = ApplicationState

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def reviewer_who_applies(state):
    """An employer reviewer who applies through their own organization."""
    employer = organization(OrganizationKind.EMPLOYER)
    reviewer = UserFactory(roles=[Role.APPLICANT])
    role_grant(user=reviewer, role=Role.EMPLOYER_REVIEWER, organization=employer, actor=None)
    return application_in(state, applicant=reviewer, employer=employer), reviewer


def agency_staff():
    user = UserFactory()
    role_grant(
        user=user,
        role=Role.AGENCY_STAFF,
        organization=organization(OrganizationKind.EVALUATION_AGENCY),
        actor=None,
    )
    return user


def test_is_party_names_the_applicant_a_recommender_and_a_declared_conflict():
    application = application_in(S.PANEL_REVIEW)
    recommender, declared, outsider = UserFactory(), UserFactory(), UserFactory()
    add_recommender(application, "expert", email=recommender.email.upper())
    conflict_declare(application=application, person=declared, stage="panel", reason="同门师兄")
    assert [
        is_party(user, application)
        for user in (application.applicant, recommender, declared, outsider)
    ] == [True, True, True, False]
    reasons = parties_among([application.applicant, recommender, declared, outsider], application)
    assert [[str(reason) for reason in found] for found in reasons.values()] == [
        ["is the applicant"],
        ["is one of the applicant's recommenders"],
        ["declared a conflict of interest: 同门师兄"],
        [],
    ]


def test_a_conflict_is_recorded_once_per_person_the_first_reason_stands():
    application = application_in(S.PANEL_REVIEW)
    person = UserFactory()
    conflict_declare(application=application, person=person, stage="panel", reason="第一次")
    conflict_declare(application=application, person=person, stage="committee", reason="第二次")
    assert list(DeclaredConflict.objects.values_list("stage", "reason")) == [("panel", "第一次")]


def test_an_employer_reviewer_cannot_open_the_notice_on_their_own_application():
    application, reviewer = reviewer_who_applies(S.EMPLOYER_REVIEW)
    with pytest.raises(NotAllowed):
        services.internal_notice_open(application=application, actor=reviewer, text="公示")
    assert Application.objects.get(pk=application.pk).state == S.EMPLOYER_REVIEW


def test_an_employer_reviewer_cannot_recommend_themselves():
    application, reviewer = reviewer_who_applies(S.NOTICE_PASSED)
    with pytest.raises(NotAllowed):
        services.application_recommend(application=application, actor=reviewer, opinion="同意")
    assert Application.objects.get(pk=application.pk).state == S.NOTICE_PASSED


def test_an_employer_reviewer_who_recommends_the_applicant_cannot_review_them():
    application = application_in(S.EMPLOYER_REVIEW)
    reviewer = UserFactory()
    role_grant(
        user=reviewer,
        role=Role.EMPLOYER_REVIEWER,
        organization=application.employer,
        actor=None,
    )
    add_recommender(application, "expert", email=reviewer.email)
    with pytest.raises(NotAllowed):
        services.application_decline(application=application, actor=reviewer, reason="不符合")
    assert Application.objects.get(pk=application.pk).state == S.EMPLOYER_REVIEW


def test_agency_staff_cannot_accept_their_own_eligibility():
    staff = agency_staff()
    application = application_in(S.ELIGIBILITY_REVIEW, applicant=staff)
    with pytest.raises(NotAllowed):
        services.eligibility_accept(application=application, actor=staff)
    other = agency_staff()
    services.eligibility_accept(application=application, actor=other)
    assert Application.objects.get(pk=application.pk).state == S.PANEL_REVIEW


def test_panel_staff_with_a_declared_conflict_cannot_assign():
    application = application_in(S.PANEL_REVIEW)
    staff = panel_staff()
    assert review_permissions.can_assign(staff, application)
    conflict_declare(application=application, person=staff, stage="panel", reason="亲属")
    assert not review_permissions.can_assign(staff, application)


def test_bureau_staff_who_are_parties_decide_nothing_on_the_application():
    application = application_in(S.BUREAU_REVIEW)
    staff = bureau_staff()
    conflict_declare(application=application, person=staff, stage="bureau", reason="同事")
    assert not bureau_permissions.can_decide(staff, application)
    with pytest.raises(NotAllowed):
        bureau_services.application_bureau_reject(
            application=application, actor=staff, reason="材料不实"
        )
    with pytest.raises(NotAllowed):
        bureau_services.special_issuance_propose(
            application=application, actor=staff, reason="特殊情况"
        )
    proposer = bureau_staff()
    issuance = bureau_services.special_issuance_propose(
        application=application, actor=proposer, reason="特殊情况"
    )
    assert not bureau_permissions.can_confirm_special_issuance(staff, issuance)
    with pytest.raises(NotAllowed):
        bureau_services.special_issuance_confirm(issuance=issuance, actor=staff)
    assert Application.objects.get(pk=application.pk).state == S.BUREAU_REVIEW


def test_bureau_staff_who_are_parties_decide_no_objection_and_revoke_nothing():
    on_notice = application_in(S.PUBLIC_NOTICE)
    staff = bureau_staff()
    add_recommender(on_notice, "expert", email=staff.email)
    assert not bureau_permissions.can_decide_objection(staff, on_notice)
    assert not bureau_permissions.may_decide_objection(staff, on_notice)
    certified = application_in(S.CERTIFIED, applicant=staff)
    assert not certificate_permissions.can_revoke(staff, certified)
    assert certificate_permissions.can_revoke(bureau_staff(), certified)
