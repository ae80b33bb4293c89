"""Two people firing the same (or a conflicting) transition at the same moment: one succeeds,
the other is told the application changed meanwhile (an ``ApplicationError``); never a server
error, never a half-done change. Extends tests/applications/test_concurrency.py, which races
return against decline and withdraw against opening the internal notice."""

import pytest
from django.utils import timezone

from applications import services
from applications.enums import ApplicationState as S
from applications.errors import ApplicationError
from applications.models import Application
from bureau import services as bureau_services
from certificates.models import Certificate
from certificates.services import certificate_issue, certificate_revoke
from tests.applications.factories import complete_application, organization
from tests.applications.test_concurrency import race
from tests.bureau.factories import bureau_staff
from tests.certificates.factories import issued
from tests.factories import UserFactory
from titles.enums import OrganizationKind, Role
from titles.models import AuditEvent
from titles.people import role_grant

pytestmark = pytest.mark.django_db(transaction=True)


def in_state(state: str) -> Application:
    application = complete_application()
    now = timezone.now()
    Application.objects.filter(pk=application.pk).update(
        state=state, submitted_at=now, recommended_at=now if state != S.DRAFT else None
    )
    return Application.objects.get(pk=application.pk)


def two_with_role(role: str, application: Application):
    org = {
        Role.EMPLOYER_REVIEWER: application.employer,
        Role.AGENCY_STAFF: organization(OrganizationKind.EVALUATION_AGENCY),
    }.get(role)
    if role == Role.BUREAU_STAFF:
        return bureau_staff(), bureau_staff()
    people = UserFactory(), UserFactory()
    for person in people:
        role_grant(user=person, role=role, organization=org, actor=None)
    return people


def applicant_twice(application):
    return application.applicant, application.applicant


def employer(application):
    return two_with_role(Role.EMPLOYER_REVIEWER, application)


def agency(application):
    return two_with_role(Role.AGENCY_STAFF, application)


def bureau(application):
    return two_with_role(Role.BUREAU_STAFF, application)


# (state before, who acts, first action, second action); an action is (application, actor,
# version) -> result.
CASES = {
    "submit twice": (
        S.DRAFT,
        applicant_twice,
        lambda a, who, v: services.application_submit(
            application=a, actor=who, declaration=True, expected_version=v
        ),
        None,
    ),
    "resubmit twice": (
        S.RETURNED,
        applicant_twice,
        lambda a, who, v: services.application_resubmit(
            application=a, actor=who, declaration=True, expected_version=v
        ),
        None,
    ),
    "open the internal notice twice": (
        S.EMPLOYER_REVIEW,
        employer,
        lambda a, who, v: services.internal_notice_open(
            application=a, actor=who, text="公示：拟推荐。", expected_version=v
        ),
        None,
    ),
    "recommend twice": (
        S.NOTICE_PASSED,
        employer,
        lambda a, who, v: services.application_recommend(
            application=a, actor=who, opinion="同意推荐。", expected_version=v
        ),
        None,
    ),
    "accept against reject": (
        S.ELIGIBILITY_REVIEW,
        agency,
        lambda a, who, v: services.eligibility_accept(application=a, actor=who, expected_version=v),
        lambda a, who, v: services.eligibility_reject(
            application=a, actor=who, reason="不符合条件", expected_version=v
        ),
    ),
    "two supplement requests": (
        S.ELIGIBILITY_REVIEW,
        agency,
        lambda a, who, v: services.supplement_request(
            application=a, actor=who, items=[(None, "请补充学位证书")], expected_version=v
        ),
        None,
    ),
    "bureau rejects twice": (
        S.BUREAU_REVIEW,
        bureau,
        lambda a, who, v: bureau_services.application_bureau_reject(
            application=a, actor=who, reason="材料不实", expected_version=v
        ),
        None,
    ),
    "publish against reject": (
        S.BUREAU_REVIEW,
        bureau,
        lambda a, who, v: bureau_services.public_notice_publish(
            applications=[a], actor=who, versions={a.pk: v}
        ),
        lambda a, who, v: bureau_services.application_bureau_reject(
            application=a, actor=who, reason="材料不实", expected_version=v
        ),
    ),
    "publish twice": (
        S.BUREAU_REVIEW,
        bureau,
        lambda a, who, v: bureau_services.public_notice_publish(
            applications=[a], actor=who, versions={a.pk: v}
        ),
        None,
    ),
    "decline against open the internal notice": (
        S.EMPLOYER_REVIEW,
        employer,
        lambda a, who, v: services.application_decline(
            application=a, actor=who, reason="业绩不足", expected_version=v
        ),
        lambda a, who, v: services.internal_notice_open(
            application=a, actor=who, text="公示：拟推荐。", expected_version=v
        ),
    ),
    "withdraw against accept": (
        S.ELIGIBILITY_REVIEW,
        lambda a: (a.applicant, agency(a)[0]),
        lambda a, who, v: services.application_withdraw(
            application=a, actor=who, reason="个人原因", expected_version=v
        ),
        lambda a, who, v: services.eligibility_accept(application=a, actor=who, expected_version=v),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_two_transitions_at_once_one_wins_the_other_is_told(case):
    state, actors, first, second = CASES[case]
    application = in_state(state)
    one, two = actors(application)
    version = application.version
    events_before_pk = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    results = race(
        lambda: first(application, one, version),
        lambda: (second or first)(application, two, version),
    )
    errors = [r for r in results if isinstance(r, ApplicationError)]
    crashes = [r for r in results if isinstance(r, Exception) and r not in errors]
    assert crashes == []
    assert len(errors) == 1, results
    final = Application.objects.get(pk=application.pk)
    assert final.state != state
    assert final.version == version + 1
    # exactly one transition out of the starting state was recorded
    assert (
        AuditEvent.objects.filter(
            pk__gt=events_before_pk,
            object_type="applications.application",
            object_id=str(application.pk),
            from_state=state,
        ).count()
        == 1
    )


def test_special_issuance_confirmed_while_the_application_is_rejected():
    application = in_state(S.BUREAU_REVIEW)
    proposer, confirmer = bureau_staff(), bureau_staff()
    issuance = bureau_services.special_issuance_propose(
        application=application, actor=proposer, reason="国家急需。"
    )
    version = Application.objects.get(pk=application.pk).version
    results = race(
        lambda: bureau_services.special_issuance_confirm(issuance=issuance, actor=confirmer),
        lambda: bureau_services.application_bureau_reject(
            application=application, actor=proposer, reason="材料不实", expected_version=version
        ),
    )
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert [r for r in results if isinstance(r, Exception) and r not in errors] == []
    assert len(errors) == 1, results
    final = Application.objects.get(pk=application.pk)
    assert final.state in (S.CERTIFYING, S.NOT_APPROVED)
    assert final.version == version + 1


def test_a_certificate_issued_twice_at_once_exists_once():
    application = in_state(S.CERTIFYING)
    results = race(
        lambda: certificate_issue(application_id=application.pk),
        lambda: certificate_issue(application_id=application.pk),
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    assert Certificate.objects.filter(application=application).count() == 1
    assert Application.objects.get(pk=application.pk).state == S.CERTIFIED


def test_two_staff_revoking_one_certificate_at_once():
    certificate = issued()
    one, two = bureau_staff(), bureau_staff()
    version = Application.objects.get(pk=certificate.application_id).version
    results = race(
        lambda: certificate_revoke(
            certificate=certificate, actor=one, reason="伪造材料", expected_version=version
        ),
        lambda: certificate_revoke(
            certificate=certificate, actor=two, reason="伪造材料", expected_version=version
        ),
    )
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert [r for r in results if isinstance(r, Exception) and r not in errors] == []
    assert len(errors) == 1, results
    assert Application.objects.get(pk=certificate.application_id).state == S.REVOKED
    assert (
        AuditEvent.objects.filter(
            action__contains="revoke", object_id=str(certificate.application_id)
        ).count()
        == 1
    )


def test_the_applicant_withdrawing_while_the_last_opinion_completes_the_panel():
    from review import services as review_services
    from tests.review.factories import assigned, complete_values, in_panel_review

    application = in_panel_review()
    experts = [assigned(application) for _ in range(3)]
    for assignment in experts[:2]:
        review_services.opinion_save(
            assignment=assignment, actor=assignment.expert, values=complete_values(), submit=True
        )
    last = experts[2]
    version = Application.objects.get(pk=application.pk).version
    results = race(
        lambda: review_services.opinion_save(
            assignment=last, actor=last.expert, values=complete_values(), submit=True
        ),
        lambda: services.application_withdraw(
            application=application,
            actor=application.applicant,
            reason="个人原因",
            expected_version=version,
        ),
    )
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert [r for r in results if isinstance(r, Exception) and r not in errors] == []
    assert len(errors) == 1, results
    final = Application.objects.get(pk=application.pk)
    if isinstance(results[0], ApplicationError):  # the withdrawal came first
        assert final.state == S.WITHDRAWN
        assert not last.__class__.objects.filter(pk=last.pk, opinion__submitted_at__isnull=False)
    else:
        assert final.state == S.COMMITTEE_REVIEW
    assert final.version == version + 1


def test_a_supplement_answered_while_the_sweep_deems_it_withdrawn():
    from datetime import timedelta

    from applications.models import SupplementRequest
    from applications.services.eligibility import supplements_sweep

    application = in_state(S.ELIGIBILITY_REVIEW)
    staff = agency(application)[0]
    services.supplement_request(
        application=application, actor=staff, items=[(None, "请补充学位证书")]
    )
    request = SupplementRequest.objects.get(application=application)
    application = Application.objects.get(pk=application.pk)
    results = race(
        lambda: services.supplement_answer(
            application=application, actor=application.applicant, notes={}
        ),
        # The sweep's clock says the deadline passed; the answer's says it has not.
        lambda: supplements_sweep(request.due_at + timedelta(seconds=1)),
    )
    answer, swept = results
    final = Application.objects.get(pk=application.pk)
    assert not isinstance(swept, Exception), swept
    if isinstance(answer, ApplicationError):  # the sweep came first
        assert final.state == S.WITHDRAWN
        assert len(swept) == 1
    else:
        assert not isinstance(answer, Exception), answer
        assert final.state == S.ELIGIBILITY_REVIEW
        assert swept == []
    assert final.version == application.version + 1


def test_two_staff_deciding_one_public_objection_at_once():
    from bureau.models import PublicObjection
    from tests.bureau.factories import approved, on_notice

    staff_one, staff_two = bureau_staff(), bureau_staff()
    notice = on_notice([approved()], staff_one)
    entry = notice.entries.get()
    objection = bureau_services.public_objection_raise(
        entry=entry,
        client_ip="203.0.113.9",
        evidence=None,
        real_name="赵六",
        contact="13911112222",
        statement="论文数据存疑。",
    )
    results = race(
        lambda: bureau_services.public_objection_decide(
            objection=objection, actor=staff_one, uphold=True, reason="查证属实"
        ),
        lambda: bureau_services.public_objection_decide(
            objection=objection, actor=staff_two, uphold=False, reason="查无实据"
        ),
    )
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert [r for r in results if isinstance(r, Exception) and r not in errors] == []
    assert len(errors) == 1, results
    decided = PublicObjection.objects.get(pk=objection.pk)
    state = Application.objects.get(pk=entry.application_id).state
    assert (decided.status, state) in (
        ("upheld", S.NOT_APPROVED),
        ("dismissed", S.PUBLIC_NOTICE),
    )


def test_the_chairman_closing_the_meeting_twice_at_once_decides_once():
    from committee import services as committee_services
    from tests.committee.factories import in_session

    meeting, [item], voters, chairman = in_session(members=2)
    committee_services.ballot_open(item=item, actor=chairman)
    for voter in voters:
        committee_services.ballot_cast(item=item, member=voter, choice="consent")
    committee_services.ballot_close(item=item, actor=chairman)
    results = race(
        lambda: committee_services.meeting_close(meeting=meeting, actor=chairman),
        lambda: committee_services.meeting_close(meeting=meeting, actor=chairman),
    )
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert [r for r in results if isinstance(r, Exception) and r not in errors] == []
    assert len(errors) == 1, results
    assert Application.objects.get(pk=item.application_id).state == S.BUREAU_REVIEW
    assert (
        AuditEvent.objects.filter(
            action="application.committee_approve", object_id=str(item.application_id)
        ).count()
        == 1
    )
