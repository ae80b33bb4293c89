from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications import services
from applications.enums import ApplicationState
from applications.errors import ChangedMeanwhile, NotAllowed, RuleViolation
from applications.models import Application, ChecklistItem, SupplementRequest
from tests.applications.factories import complete_application, organization
from tests.applications.test_concurrency import race
from tests.factories import UserFactory, sign_in_verified
from titles.enums import OrganizationKind, Role
from titles.models import AuditEvent
from titles.people import role_grant
from titles.sweep import sweep_run

S = ApplicationState
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def agency_staff():
    staff = UserFactory(real_name="王芳")
    role_grant(
        user=staff,
        role=Role.AGENCY_STAFF,
        organization=organization(OrganizationKind.EVALUATION_AGENCY),
        actor=None,
    )
    return staff


def in_eligibility_review(**kwargs) -> Application:
    return complete_application(
        eligibility_review=True,
        recommended_at=at(2026, 2, 10, 9, 0),
        submitted_at=at(2026, 1, 5),
        **kwargs,
    )


def sweep_lines() -> list[str]:
    return [line for line in sweep_run().changes if line.startswith("application ")]


@pytest.mark.django_db
def test_a_supplement_request_over_the_spring_festival_has_the_right_deadline():
    application, staff = in_eligibility_review(), agency_staff()
    with time_machine.travel(at(2026, 2, 12, 15, 0), tick=False):
        request = services.supplement_request(
            application=application, actor=staff, items=[(None, "请补充学位证书原件扫描件")]
        )
    # Feb 13, Sat Feb 14 (adjusted), Feb 24, 25, 26, 27, Sat Feb 28 (adjusted), Mar 2, 3, 4.
    assert request.due_at == at(2026, 3, 4, 23, 59, 59, 999999)
    assert list(request.items.values_list("text", flat=True)) == ["请补充学位证书原件扫描件"]
    assert Application.objects.get(pk=application.pk).state == S.SUPPLEMENT_REQUESTED
    assert application.applicant.notifications.filter(kind="supplement_requested").count() == 1


@pytest.mark.django_db
def test_a_second_supplement_request_is_refused_by_the_service():
    application, staff = in_eligibility_review(), agency_staff()
    services.supplement_request(application=application, actor=staff, items=[(None, "缺学位证")])
    services.supplement_answer(
        application=Application.objects.get(pk=application.pk),
        actor=application.applicant,
        notes={},
    )
    again = Application.objects.get(pk=application.pk)
    assert again.state == S.ELIGIBILITY_REVIEW
    with pytest.raises(RuleViolation, match="只能发出一次"):
        services.supplement_request(application=again, actor=staff, items=[(None, "再补一次")])
    assert SupplementRequest.objects.filter(application=application).count() == 1


@pytest.mark.django_db
def test_a_second_supplement_request_over_http_is_refused_and_not_offered(client):
    application, staff = in_eligibility_review(), agency_staff()
    services.supplement_request(application=application, actor=staff, items=[(None, "缺学位证")])
    services.supplement_answer(
        application=Application.objects.get(pk=application.pk),
        actor=application.applicant,
        notes={},
    )
    sign_in_verified(client, staff)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "/supplement/request/" not in page
    version = Application.objects.get(pk=application.pk).version
    response = client.post(
        f"/applications/{application.pk}/supplement/request/",
        {"version": version, "working_days": 10, "extra_1": "再补一次"},
        follow=True,
    )
    assert "只能发出一次" in response.content.decode()
    assert SupplementRequest.objects.filter(application=application).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_staff_requesting_at_once_make_one_request():
    application = in_eligibility_review()
    first, second = agency_staff(), agency_staff()
    version = application.version
    results = race(
        lambda: services.supplement_request(
            application=application, actor=first, items=[(None, "甲")], expected_version=version
        ),
        lambda: services.supplement_request(
            application=application, actor=second, items=[(None, "乙")], expected_version=version
        ),
    )
    assert sum(isinstance(r, SupplementRequest) for r in results) == 1
    assert sum(isinstance(r, ChangedMeanwhile) for r in results) == 1
    assert SupplementRequest.objects.filter(application=application).count() == 1
    assert AuditEvent.objects.filter(action="application.request_supplement").count() == 1


@pytest.mark.django_db
def test_an_answer_one_second_after_the_deadline_is_refused():
    application, staff = in_eligibility_review(), agency_staff()
    with time_machine.travel(at(2026, 2, 12, 15, 0), tick=False):
        request = services.supplement_request(
            application=application, actor=staff, items=[(None, "缺学位证")], working_days=1
        )
    assert request.due_at == at(2026, 2, 13, 23, 59, 59, 999999)
    with (
        time_machine.travel(at(2026, 2, 14, 0, 0, 0, 999999), tick=False),
        pytest.raises(RuleViolation, match="视为放弃"),
    ):
        services.supplement_answer(
            application=Application.objects.get(pk=application.pk),
            actor=application.applicant,
            notes={},
        )
    assert Application.objects.get(pk=application.pk).state == S.SUPPLEMENT_REQUESTED


@pytest.mark.django_db
def test_an_answer_just_before_the_deadline_goes_back_to_the_agency():
    application, staff = in_eligibility_review(), agency_staff()
    with time_machine.travel(at(2026, 2, 12, 15, 0), tick=False):
        request = services.supplement_request(
            application=application, actor=staff, items=[(None, "缺学位证")], working_days=1
        )
    item = request.items.get()
    with time_machine.travel(at(2026, 2, 13, 23, 59, 59), tick=False):
        answered = services.supplement_answer(
            application=Application.objects.get(pk=application.pk),
            actor=application.applicant,
            notes={item.pk: "已上传新版本"},
        )
    assert answered.state == S.ELIGIBILITY_REVIEW
    assert request.items.get().answer_note == "已上传新版本"
    assert staff.notifications.filter(kind="supplement_answered").count() == 1


@pytest.mark.django_db
def test_the_sweep_withdraws_exactly_the_expired_and_only_once():
    staff = agency_staff()
    expired, running = in_eligibility_review(), in_eligibility_review()
    with time_machine.travel(at(2026, 2, 12, 15, 0), tick=False):
        services.supplement_request(
            application=expired, actor=staff, items=[(None, "甲")], working_days=1
        )
        services.supplement_request(
            application=running, actor=staff, items=[(None, "乙")], working_days=5
        )
    reviewer = UserFactory()
    role_grant(
        user=reviewer, role=Role.EMPLOYER_REVIEWER, organization=expired.employer, actor=None
    )
    with time_machine.travel(at(2026, 2, 14, 8, 0), tick=False):
        assert sweep_lines() == [
            f"application {expired.reference}: supplement_requested -> withdrawn"
        ]
        assert sweep_lines() == []
    assert Application.objects.get(pk=expired.pk).state == S.WITHDRAWN
    assert Application.objects.get(pk=running.pk).state == S.SUPPLEMENT_REQUESTED
    for person in (expired.applicant, reviewer, staff):
        assert person.notifications.filter(kind="supplement_deemed_withdrawn").count() == 1


@pytest.mark.django_db
def test_overdue_reviews_are_reminded_once_a_day():
    staff = agency_staff()
    application = in_eligibility_review()
    Application.objects.filter(pk=application.pk).update(
        eligibility_due_at=at(2026, 3, 2, 23, 59, 59)
    )
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        assert sweep_lines() == [
            f"application {application.reference}: eligibility review overdue, reminded"
        ]
        assert sweep_lines() == []
    with time_machine.travel(at(2026, 3, 4, 9, 1), tick=False):
        assert len(sweep_lines()) == 1
    assert staff.notifications.filter(kind="eligibility_overdue").count() == 2


@pytest.mark.django_db
def test_accept_and_reject_need_agency_staff():
    application, staff = in_eligibility_review(), agency_staff()
    with pytest.raises(NotAllowed):
        services.eligibility_accept(application=application, actor=application.applicant)
    with pytest.raises(RuleViolation):
        services.eligibility_reject(application=application, actor=staff, reason=" ")
    assert services.eligibility_accept(application=application, actor=staff).state == S.PANEL_REVIEW


@pytest.mark.django_db
def test_agency_queue_query_count_is_the_same_for_1_and_50(client):
    staff = agency_staff()
    ChecklistItem.objects.create(text="学历证明真实有效")
    in_eligibility_review()
    sign_in_verified(client, staff)
    counts = []
    for total in (1, 50):
        while Application.objects.filter(state=S.ELIGIBILITY_REVIEW).count() < total:
            in_eligibility_review()
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/agency/")
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert response.content.decode().count("/applications/") >= 25


@pytest.mark.django_db
def test_applicant_sees_the_request_and_after_the_deadline_that_it_is_withdrawn(client):
    application, staff = in_eligibility_review(), agency_staff()
    with time_machine.travel(at(2026, 2, 12, 15, 0), tick=False):
        services.supplement_request(
            application=application, actor=staff, items=[(None, "请补充学位证书")], working_days=1
        )
    client.force_login(application.applicant)
    with time_machine.travel(at(2026, 2, 13, 12, 0), tick=False):
        html = client.get(f"/applications/{application.pk}/supplement/").content.decode()
        assert "请补充学位证书" in html
        assert "提交补正材料" in html or 'name="note_' in html
    with time_machine.travel(at(2026, 2, 16, 12, 0), tick=False):
        sweep_run()
        html = client.get(f"/applications/{application.pk}/supplement/").content.decode()
        assert "视为放弃" in html
        assert 'name="note_' not in html
