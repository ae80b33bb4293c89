from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.enums import ApplicationState
from applications.errors import NotAllowed, RuleViolation
from applications.models import Application, InternalNotice, ObjectionStatus
from tests.applications.factories import complete_application, organization, pdf_bytes
from tests.factories import UserFactory
from titles.enums import OrganizationKind, Role
from titles.models import AuditEvent
from titles.people import role_grant
from titles.sweep import sweep_run

pytestmark = pytest.mark.django_db
S = ApplicationState
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def submitted(**kwargs):
    application = complete_application(**kwargs)
    reviewer = UserFactory(real_name="人事处李华")
    role_grant(
        user=reviewer,
        role=Role.EMPLOYER_REVIEWER,
        organization=Application.objects.get(pk=application.pk).employer
        if not application.is_freelancer
        else application.recommending_body,
        actor=None,
    )
    services.application_submit(
        application=application, actor=application.applicant, declaration=True
    )
    return Application.objects.get(pk=application.pk), reviewer


def member_of(org):
    member = UserFactory(real_name="同事王五")
    role_grant(user=member, role=Role.APPLICANT, organization=org, actor=None)
    return member


def notice_changes() -> list[str]:
    """What the sweep did to applications (the outbox sweeper may requeue emails beside)."""
    return [line for line in sweep_run().changes if line.startswith("application ")]


def open_notice(application, reviewer, working_days=5):
    return services.internal_notice_open(
        application=application, actor=reviewer, text="公示内容", working_days=working_days
    )


@pytest.mark.parametrize(
    ("published", "ends"),
    [
        # Friday before the 2026 Spring Festival: the adjusted Saturday Feb 14 counts,
        # Feb 15-23 do not.
        (at(2026, 2, 13, 10, 0), at(2026, 2, 27, 23, 59, 59, 999999)),
        # Friday before the Mid-autumn holiday (Sep 25-27): Sunday Sep 20 is an adjusted
        # working day, so the fifth working day is Thursday Sep 24.
        (at(2026, 9, 18, 16, 30), at(2026, 9, 24, 23, 59, 59, 999999)),
        # Just before National Day: the adjusted Saturday Oct 10 counts.
        (at(2026, 9, 30, 9, 0), at(2026, 10, 13, 23, 59, 59, 999999)),
    ],
)
def test_notice_published_before_a_holiday_ends_on_the_right_day(published, ends):
    application, reviewer = submitted()
    with time_machine.travel(published, tick=False):
        notice = open_notice(application, reviewer)
    assert notice.ends_at == ends
    assert notice.provisional is False
    assert Application.objects.get(pk=application.pk).state == S.INTERNAL_NOTICE


def test_a_shorter_notice_is_refused_and_changes_nothing():
    application, reviewer = submitted()
    with pytest.raises(RuleViolation, match="公示期不少于5个工作日"):
        open_notice(application, reviewer, working_days=4)
    assert Application.objects.get(pk=application.pk).state == S.EMPLOYER_REVIEW
    assert not InternalNotice.objects.exists()


def test_a_longer_notice_is_allowed():
    application, reviewer = submitted()
    with time_machine.travel(at(2026, 2, 13, 10, 0), tick=False):
        notice = open_notice(application, reviewer, working_days=7)
    # Feb 14 (adjusted Saturday), Feb 24-27, Feb 28 (adjusted Saturday), Mon Mar 2.
    assert notice.ends_at == at(2026, 3, 2, 23, 59, 59, 999999)


def test_open_objection_keeps_the_notice_from_passing_until_dismissed():
    application, reviewer = submitted()
    with time_machine.travel(at(2026, 2, 13, 10, 0), tick=False):
        notice = open_notice(application, reviewer)
        colleague = member_of(application.employer)
        objection = services.internal_objection_raise(
            notice=notice,
            actor=colleague,
            real_name="王五",
            statement="论文存在署名争议。",
            evidence=SimpleUploadedFile("证据.pdf", pdf_bytes(), "application/pdf"),
        )
    assert objection.evidence_name == "证据.pdf"
    with time_machine.travel(at(2026, 2, 28, 0, 0, 1), tick=False):
        assert notice_changes() == []
        assert Application.objects.get(pk=application.pk).state == S.INTERNAL_NOTICE
        services.internal_objection_decide(
            objection=objection, actor=reviewer, uphold=False, reason="经核实，署名无争议。"
        )
        changes = notice_changes()
        assert changes == [f"application {application.reference}: internal_notice -> notice_passed"]
        assert notice_changes() == []
    assert Application.objects.get(pk=application.pk).state == S.NOTICE_PASSED
    assert reviewer.notifications.filter(kind="internal_notice_passed").count() == 1


def test_the_notice_does_not_pass_before_its_end():
    application, reviewer = submitted()
    with time_machine.travel(at(2026, 2, 13, 10, 0), tick=False):
        open_notice(application, reviewer)
    with time_machine.travel(at(2026, 2, 27, 23, 59, 0), tick=False):
        assert notice_changes() == []


def test_an_upheld_objection_declines_the_application():
    application, reviewer = submitted()
    notice = open_notice(application, reviewer)
    objection = services.internal_objection_raise(
        notice=notice,
        actor=member_of(application.employer),
        real_name="王五",
        statement="业绩造假。",
    )
    services.internal_objection_decide(
        objection=objection, actor=reviewer, uphold=True, reason="查实业绩材料不实。"
    )
    application = Application.objects.get(pk=application.pk)
    assert application.state == S.DECLINED
    assert application.decline_reason == "查实业绩材料不实。"
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD


def test_the_reviewer_opens_an_objections_evidence_and_nobody_else(client):
    application, reviewer = submitted()
    notice = open_notice(application, reviewer)
    colleague = member_of(application.employer)
    objection = services.internal_objection_raise(
        notice=notice,
        actor=colleague,
        real_name="王五",
        statement="论文存在署名争议。",
        evidence=SimpleUploadedFile("证据.pdf", pdf_bytes(), "application/pdf"),
    )
    url = f"/applications/{application.pk}/notice/objections/{objection.pk}/evidence/"
    client.force_login(reviewer)
    page = client.get(f"/applications/{application.pk}/notice/").content.decode()
    assert f'<a href="{url}">证据.pdf</a>' in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E8%AF%81%E6%8D%AE.pdf"
    )
    assert b"".join(response.streaming_content) == pdf_bytes()
    for other in (colleague, application.applicant):
        client.force_login(other)
        assert client.get(url).status_code == 404
    client.force_login(colleague)
    assert url not in client.get(f"/applications/{application.pk}/notice/").content.decode()


def test_an_objection_needs_a_member_a_name_and_a_statement():
    application, reviewer = submitted()
    notice = open_notice(application, reviewer)
    outsider = UserFactory()
    with pytest.raises(NotAllowed):
        services.internal_objection_raise(
            notice=notice, actor=outsider, real_name="路人", statement="反对"
        )
    with pytest.raises(RuleViolation, match="须填写真实姓名和异议内容"):
        services.internal_objection_raise(
            notice=notice, actor=member_of(application.employer), real_name=" ", statement="反对"
        )
    assert not notice.objections.exists()


def test_formal_recommendation_starts_the_agency_clock():
    application, reviewer = submitted()
    agency_staff = UserFactory()
    role_grant(
        user=agency_staff,
        role=Role.AGENCY_STAFF,
        organization=organization(OrganizationKind.EVALUATION_AGENCY),
        actor=None,
    )
    with time_machine.travel(at(2026, 2, 13, 10, 0), tick=False):
        open_notice(application, reviewer)
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        sweep_run()
        recommended = services.application_recommend(
            application=application, actor=reviewer, opinion="同意推荐。"
        )
    assert recommended.state == S.ELIGIBILITY_REVIEW
    # 15 working days after Mon Mar 2, 2026: Mon Mar 23.
    assert recommended.eligibility_due_at == at(2026, 3, 23, 23, 59, 59, 999999)
    assert agency_staff.notifications.filter(kind="application_to_agency").count() == 1
    assert application.applicant.notifications.filter(kind="application_recommended").count() == 1
    assert list(
        AuditEvent.objects.filter(
            object_type="applications.application", object_id=str(application.pk)
        )
        .exclude(action__startswith="recommender")
        .values_list("action", flat=True)
    ) == [
        "application.submit",
        "application.open_internal_notice",
        "application.pass_internal_notice",
        "application.recommend",
    ]


def test_decline_needs_a_reason():
    application, reviewer = submitted()
    with pytest.raises(RuleViolation, match="请填写不予推荐的理由"):
        services.application_decline(application=application, actor=reviewer, reason="  ")
    declined = services.application_decline(
        application=application, actor=reviewer, reason="不符合条件"
    )
    assert declined.state == S.DECLINED


def test_a_reviewer_of_another_organization_gets_404(client):
    application, _reviewer = submitted()
    other_reviewer = UserFactory()
    role_grant(
        user=other_reviewer,
        role=Role.EMPLOYER_REVIEWER,
        organization=organization(),
        actor=None,
    )
    client.force_login(other_reviewer)
    assert client.get(f"/applications/{application.pk}/").status_code == 404
    response = client.post(
        f"/applications/{application.pk}/notice/open/", {"text": "x", "working_days": 5}
    )
    assert response.status_code == 404
    assert Application.objects.get(pk=application.pk).state == S.EMPLOYER_REVIEW
    assert client.get("/employer/").content.decode().count(application.reference) == 0


def test_a_freelancer_goes_through_an_association():
    association = organization(OrganizationKind.INDUSTRY_ASSOCIATION, "北京软件行业协会")
    application, reviewer = submitted(
        is_freelancer=True, employer=None, recommending_body=association, district="haidian"
    )
    assert application.reviewing_organization_id == association.pk
    assert reviewer.notifications.filter(kind="application_submitted").count() == 1
    notice = open_notice(application, reviewer)
    assert notice.organization == association


def test_queue_lists_the_organizations_applications_with_constant_queries(
    client, django_assert_max_num_queries
):
    application, reviewer = submitted()
    client.force_login(reviewer)
    with django_assert_max_num_queries(12) as small:
        html = client.get("/employer/").content.decode()
    assert application.reference in html
    for _ in range(5):
        complete = complete_application(employer=application.employer)
        services.application_submit(
            application=complete, actor=complete.applicant, declaration=True
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get("/employer/").content.decode()
    assert html.count("GJ") >= 6


def test_applicant_dashboard_says_by_when(client):
    application, reviewer = submitted()
    with time_machine.travel(at(2026, 2, 13, 10, 0), tick=False):
        open_notice(application, reviewer)
        client.force_login(application.applicant)
        html = client.get("/dashboard/").content.decode()
    assert application.reference in html
    assert "单位内部公示" in html
    assert "2026-02-27" in html
    assert "（暂定）" not in html


def test_notice_over_a_provisional_year_moves_later_when_the_year_is_entered():
    from tests.titles.test_workdays import days_2027
    from titles.calendar import calendar_year_enter

    application, reviewer = submitted()
    with time_machine.travel(at(2026, 12, 28, 10, 0), tick=False):
        notice = open_notice(application, reviewer)
    # Dec 29, 30, 31, then (provisionally) Fri Jan 1 and Mon Jan 4.
    assert (notice.ends_at, notice.provisional) == (at(2027, 1, 4, 23, 59, 59, 999999), True)
    calendar_year_enter(year=2027, days=days_2027(), actor=None)
    notice = InternalNotice.objects.get(pk=notice.pk)
    # New Year's Day is a holiday after all: the fifth working day is Tue Jan 5.
    assert (notice.ends_at, notice.provisional) == (at(2027, 1, 5, 23, 59, 59, 999999), False)
