"""Rule 11: withdrawal ends everything it started (``portal.services.application_withdraw``)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from applications import services as application_services
from applications.enums import ApplicationState, MaterialSlot
from applications.errors import RuleViolation
from applications.models import Application, InternalNotice, SupplementRequest
from committee import services as committee_services
from committee.models import AgendaItem
from portal import services
from portal.selectors import applications_visible_to
from review.enums import AssignmentStatus
from review.models import Assignment
from review.selectors import expert_queue
from tests.applications.factories import application_in, complete_application, pdf_bytes
from tests.applications.test_eligibility import agency_staff
from tests.committee.factories import awaiting_committee, committee_of, meeting_of
from tests.factories import UserFactory
from tests.review.factories import assigned, in_panel_review
from tests.titles.test_workdays import days_2027
from titles.calendar import calendar_year_enter
from titles.enums import Role
from titles.models import AuditEvent, Notification, TrackedDeadline
from titles.people import role_grant
from titles.sweep import sweep_run

pytestmark = pytest.mark.django_db
S = ApplicationState
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def told(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def test_withdrawing_during_the_notice_closes_its_end_a_later_schedule_does_not_move_it():
    with time_machine.travel(datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI), tick=False):
        application = complete_application(employer_review=True)
        reviewer = UserFactory()
        role_grant(
            user=reviewer,
            role=Role.EMPLOYER_REVIEWER,
            organization=application.employer,
            actor=None,
        )
        application_services.internal_notice_open(
            application=application, actor=reviewer, text="公示内容"
        )
        notice = InternalNotice.objects.get(application=application)
        ends_before = notice.ends_at
        assert notice.provisional is True  # counted over 2027, not entered yet
        services.application_withdraw(
            application=Application.objects.get(pk=application.pk),
            actor=application.applicant,
            reason="个人原因",
        )
        assert not TrackedDeadline.objects.filter(closed_at__isnull=True).exists()
        calendar_year_enter(year=2027, days=days_2027(), actor=None)
    notice.refresh_from_db()
    assert notice.ends_at == ends_before
    assert not AuditEvent.objects.filter(action="deadline.recompute").exists()
    assert reviewer.pk in told("application_withdrawn")


def test_withdrawing_in_panel_review_releases_the_experts_and_tells_everyone():
    application = in_panel_review()
    first, second = assigned(application), assigned(application, confirmed=False)
    reviewers = UserFactory()
    role_grant(
        user=reviewers, role=Role.EMPLOYER_REVIEWER, organization=application.employer, actor=None
    )
    staff = agency_staff()
    services.application_withdraw(
        application=Application.objects.get(pk=application.pk), actor=application.applicant
    )
    assert Application.objects.get(pk=application.pk).state == S.WITHDRAWN
    for assignment in (first, second):
        ended = Assignment.objects.get(pk=assignment.pk)
        assert (ended.status, ended.ended_at is not None) == (AssignmentStatus.WITHDRAWN, True)
        assert not applications_visible_to(assignment.expert).filter(pk=application.pk).exists()
        assert list(expert_queue(assignment.expert)[0:10]) == []
    assert not TrackedDeadline.objects.filter(closed_at__isnull=True).exists()
    assert {first.expert_id, second.expert_id, reviewers.pk, staff.pk} <= told(
        "application_withdrawn"
    )
    assert (
        AuditEvent.objects.filter(action="panel.end_on_withdrawal", object_id=str(application.pk))
        .values_list("action", flat=True)
        .count()
        == 2
    )


def test_the_sweep_deeming_withdrawn_closes_every_deadline_too():
    application = application_in(S.ELIGIBILITY_REVIEW)
    request = application_services.supplement_request(
        application=application,
        actor=agency_staff(),
        items=[(None, "补充身份证明")],
        working_days=1,
    )
    assert TrackedDeadline.objects.filter(closed_at__isnull=True, field="due_at").exists()
    with time_machine.travel(request.due_at.timestamp() + 60):
        sweep_run()
    assert Application.objects.get(pk=application.pk).state == S.WITHDRAWN
    assert not TrackedDeadline.objects.filter(closed_at__isnull=True).exists()


def test_a_supplement_upload_after_the_deadline_is_refused_before_the_sweep_runs():
    application = application_in(S.SUPPLEMENT_REQUESTED)
    request = SupplementRequest.objects.get(application=application)
    upload = SimpleUploadedFile("补正.pdf", pdf_bytes(), content_type="application/pdf")
    with (
        time_machine.travel(request.due_at.timestamp() + 60),
        pytest.raises(RuleViolation) as refused,
    ):
        application_services.material_upload(
            application=application,
            actor=application.applicant,
            slot=MaterialSlot.values[0],
            uploaded_file=upload,
        )
    assert str(refused.value.message) == (
        "The deadline has passed: the application is deemed withdrawn."
    )
    assert Application.objects.get(pk=application.pk).materials.count() == (
        application.materials.count()
    )
    with time_machine.travel(request.due_at.timestamp() - 60):
        version = application_services.material_upload(
            application=application,
            actor=application.applicant,
            slot=MaterialSlot.values[0],
            uploaded_file=SimpleUploadedFile("补正.pdf", pdf_bytes(), "application/pdf"),
        )
    assert version.uploaded_by_id == application.applicant_id


def test_an_application_leaves_every_agenda_not_yet_voted_and_the_chairman_is_told():
    application = awaiting_committee()
    committee = committee_of(2)
    meeting = meeting_of(committee, application)
    left = committee_services.agenda_leave_on_withdrawal(
        application=application, actor=application.applicant
    )
    assert [item.meeting_id for item in left] == [meeting.pk]
    assert not AgendaItem.objects.filter(application=application).exists()
    assert told("application_withdrawn") == {committee.chairman_id}
