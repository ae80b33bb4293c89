from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from applications.enums import ApplicationState
from applications.errors import ChangedMeanwhile, NotAllowed, RuleViolation
from applications.models import Application, ObjectionStatus
from applications.uploads import UploadRefused
from bureau import services
from bureau.models import (
    PublicNotice,
    PublicNoticeEntry,
    PublicObjection,
    SpecialIssuance,
    SpecialIssuanceStatus,
)
from tests.applications.factories import complete_in, pdf_bytes
from tests.applications.upload_files import HTML_WITH_PDF_HEADER, WINDOWS_EXE
from tests.bureau.factories import approved, bureau_staff, on_notice
from tests.factories import UserFactory
from titles.enums import Role
from titles.models import AuditEvent, Notification, TrackedDeadline
from titles.sweep import sweep_run

pytestmark = pytest.mark.django_db
S = ApplicationState
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Friday before the 2026 Spring Festival: the adjusted Saturday Feb 14 counts, Feb 15-23 do not.
PUBLISHED = datetime(2026, 2, 13, 10, 0, tzinfo=SHANGHAI)
ENDS = datetime(2026, 2, 27, 23, 59, 59, 999999, tzinfo=SHANGHAI)
AFTER_END = ENDS + timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _english():
    """The services' messages compared in English (the Chinese catalogue has its own test)."""
    with translation.override("en"):
        yield


def state_of(application) -> str:
    return Application.objects.get(pk=application.pk).state


def notice_changes(now) -> list[str]:
    """What the sweep did to applications (the outbox sweeper may requeue emails beside)."""
    return [
        line
        for line in sweep_run(now=now).changes
        if line.startswith("application ") and "->" in line
    ]


def objection(entry, *, client_ip="203.0.113.7", evidence=None, **fields):
    values = {"real_name": "赵六", "contact": "13911112222", "statement": "论文数据存疑。"}
    values.update(fields)
    return services.public_objection_raise(
        entry=entry, client_ip=client_ip, evidence=evidence, **values
    )


# --- publishing ------------------------------------------------------------------------------


def test_publish_puts_a_batch_on_one_notice_ending_after_five_working_days():
    staff = bureau_staff()
    batch = [approved(), approved(), approved()]
    with time_machine.travel(PUBLISHED, tick=False):
        notice = on_notice(batch, staff)
    assert (notice.title, notice.working_days, notice.provisional) == ("2026年第一批", 5, False)
    assert notice.published_at == PUBLISHED
    assert notice.ends_at == ENDS
    assert [state_of(application) for application in batch] == [S.PUBLIC_NOTICE] * 3
    assert sorted(notice.entries.values_list("application_id", flat=True)) == sorted(
        application.pk for application in batch
    )
    assert TrackedDeadline.objects.get(object_id=str(notice.pk), field="ends_at").due_at == ENDS
    for application in batch:
        events = AuditEvent.objects.filter(
            object_type="applications.application", object_id=str(application.pk)
        )
        assert list(events.values_list("action", "from_state", "to_state", "reason")) == [
            ("application.publish_notice", S.BUREAU_REVIEW, S.PUBLIC_NOTICE, "2026年第一批")
        ]
        assert list(
            Notification.objects.filter(recipient=application.applicant).values_list(
                "kind", "context__end"
            )
        ) == [("public_notice_published", "2026-02-27")]
    assert AuditEvent.objects.get(action="public_notice.publish").data["working_days"] == 5


def test_a_notice_shorter_than_five_working_days_is_refused_and_changes_nothing():
    staff = bureau_staff()
    application = approved()
    with pytest.raises(RuleViolation) as refused:
        on_notice([application], staff, working_days=4)
    assert str(refused.value.message) == "A notice lasts at least 5 working days."
    assert state_of(application) == S.BUREAU_REVIEW
    assert not PublicNotice.objects.exists()


def test_a_longer_notice_is_allowed():
    staff = bureau_staff()
    with time_machine.travel(PUBLISHED, tick=False):
        notice = on_notice([approved()], staff, working_days=7)
    # Feb 14 (adjusted Saturday), Feb 24-27, Feb 28 (adjusted Saturday), Mon Mar 2.
    assert notice.ends_at == datetime(2026, 3, 2, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_a_notice_over_a_year_not_yet_entered_is_marked_provisional():
    staff = bureau_staff()
    with time_machine.travel(datetime(2027, 3, 5, 10, 0, tzinfo=SHANGHAI), tick=False):
        notice = on_notice([approved()], staff)
    assert notice.provisional is True
    assert notice.ends_at == datetime(2027, 3, 12, 23, 59, 59, 999999, tzinfo=SHANGHAI)


def test_a_stale_version_refuses_the_whole_batch():
    staff = bureau_staff()
    first, second = approved(), approved()
    with pytest.raises(ChangedMeanwhile):
        services.public_notice_publish(
            applications=[first, second],
            actor=staff,
            versions={first.pk: first.version, second.pk: second.version - 1},
        )
    assert [state_of(first), state_of(second)] == [S.BUREAU_REVIEW, S.BUREAU_REVIEW]
    assert not PublicNotice.objects.exists()
    assert not PublicNoticeEntry.objects.exists()


def test_an_application_that_left_bureau_review_refuses_the_batch():
    staff = bureau_staff()
    first, second = approved(), approved()
    services.application_bureau_reject(application=second, actor=staff, reason="材料不实。")
    with pytest.raises(ChangedMeanwhile):
        on_notice([first, second], staff)
    assert state_of(first) == S.BUREAU_REVIEW


def test_only_bureau_staff_publish():
    agency = UserFactory(roles=[Role.AGENCY_STAFF])
    application = approved()
    with pytest.raises(NotAllowed):
        on_notice([application], agency)
    assert state_of(application) == S.BUREAU_REVIEW


# --- the sweep ---------------------------------------------------------------------------------


def test_sweep_passes_the_batch_while_one_applicant_has_an_open_objection():
    staff = bureau_staff()
    batch = [approved(), approved(), approved()]
    with time_machine.travel(PUBLISHED, tick=False):
        notice = on_notice(batch, staff)
        held = objection(batch[1].public_notice_entry)
    with time_machine.travel(ENDS, tick=False):
        assert notice_changes(ENDS) == []
    with time_machine.travel(AFTER_END, tick=False):
        assert notice_changes(AFTER_END) == [
            f"application {batch[0].reference}: public_notice -> certifying",
            f"application {batch[2].reference}: public_notice -> certifying",
        ]
        assert [state_of(application) for application in batch] == [
            S.CERTIFYING,
            S.PUBLIC_NOTICE,
            S.CERTIFYING,
        ]
        assert notice_changes(AFTER_END) == []  # idempotent
        services.public_objection_decide(
            objection=held, actor=staff, uphold=False, reason="经核实，论文数据无误。"
        )
        assert notice_changes(AFTER_END) == [
            f"application {batch[1].reference}: public_notice -> certifying"
        ]
    assert [state_of(application) for application in batch] == [S.CERTIFYING] * 3
    assert PublicObjection.objects.get().status == ObjectionStatus.DISMISSED
    assert TrackedDeadline.objects.get(object_id=str(notice.pk)).closed_at is not None
    assert Notification.objects.filter(kind="public_notice_passed").count() == 3


def test_an_upheld_objection_makes_the_application_not_approved():
    staff = bureau_staff()
    application = approved()
    with time_machine.travel(PUBLISHED, tick=False):
        on_notice([application], staff)
        raised = objection(application.public_notice_entry)
        services.public_objection_decide(
            objection=raised, actor=staff, uphold=True, reason="论文确系抄袭。"
        )
    assert state_of(application) == S.NOT_APPROVED
    assert notice_changes(AFTER_END) == []
    assert list(
        AuditEvent.objects.filter(object_id=str(application.pk))
        .order_by("id")
        .values_list("action", "to_state")
    ) == [
        ("application.publish_notice", S.PUBLIC_NOTICE),
        ("public_notice.objection", ""),
        ("public_notice.objection_upheld", ""),
        ("application.uphold_public_objection", S.NOT_APPROVED),
    ]
    notice = Notification.objects.get(kind="public_objection_upheld")
    assert (notice.recipient, notice.context["reason"]) == (application.applicant, "论文确系抄袭。")


def test_objection_decision_needs_bureau_staff_and_a_reason():
    staff = bureau_staff()
    application = approved()
    on_notice([application], staff)
    raised = objection(application.public_notice_entry)
    with pytest.raises(RuleViolation):
        services.public_objection_decide(objection=raised, actor=staff, uphold=False, reason=" ")
    with pytest.raises(NotAllowed):
        services.public_objection_decide(
            objection=raised, actor=application.applicant, uphold=False, reason="无异议"
        )
    assert PublicObjection.objects.get().status == ObjectionStatus.OPEN


# --- objections --------------------------------------------------------------------------------


def test_objection_is_stored_with_a_reference_and_a_hashed_address():
    staff = bureau_staff()
    application = approved()
    on_notice([application], staff)
    raised = objection(
        application.public_notice_entry,
        evidence=SimpleUploadedFile("证据.pdf", pdf_bytes(), "application/pdf"),
    )
    assert raised.reference.startswith("YY")
    assert len(raised.reference) == 17
    assert raised.evidence_name == "证据.pdf"
    assert raised.client_hash == services.client_hash("203.0.113.7")
    assert "203.0.113.7" not in raised.client_hash
    assert Notification.objects.get(kind="public_objection_raised").recipient == staff


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"real_name": "  "}, "An objection needs your real name, a contact and a statement."),
        ({"statement": ""}, "An objection needs your real name, a contact and a statement."),
        ({"contact": ""}, "An objection needs your real name, a contact and a statement."),
        ({"statement": "长" * 5001}, "The statement is longer than 5000 characters."),
        ({"real_name": "名" * 101}, "The name and the contact are at most 100 characters each."),
        ({"contact": "not a contact"}, "Give a phone number or an email address where we can "),
    ],
)
def test_objection_bad_input_is_refused_and_nothing_stored(fields, message):
    staff = bureau_staff()
    application = approved()
    on_notice([application], staff)
    with pytest.raises(RuleViolation) as refused:
        objection(application.public_notice_entry, **fields)
    assert str(refused.value.message).startswith(message)
    assert not PublicObjection.objects.exists()


@pytest.mark.parametrize(
    ("content", "code"),
    [(WINDOWS_EXE, "executable"), (HTML_WITH_PDF_HEADER, "pdf_damaged"), (b"<html></html>", None)],
)
def test_objection_evidence_that_is_not_a_document_is_refused(content, code, settings):
    staff = bureau_staff()
    application = approved()
    on_notice([application], staff)
    with pytest.raises(UploadRefused) as refused:
        objection(
            application.public_notice_entry,
            evidence=SimpleUploadedFile("证据.pdf", content, "application/pdf"),
        )
    if code:
        assert refused.value.code == code
    assert not PublicObjection.objects.exists()
    media = settings.MEDIA_ROOT
    assert not (media / "public_objections").exists() or not any(
        (media / "public_objections").rglob("*.*")
    )


def test_rate_limit_refuses_the_sixth_from_one_address_but_not_another():
    staff = bureau_staff()
    application = approved()
    with time_machine.travel(PUBLISHED, tick=False):
        on_notice([application], staff)
        entry = application.public_notice_entry
    with time_machine.travel(PUBLISHED + timedelta(days=1), tick=False):
        for _ in range(services.OBJECTIONS_PER_HOUR):
            objection(entry, client_ip="198.51.100.1")
        with pytest.raises(RuleViolation) as refused:
            objection(entry, client_ip="198.51.100.1")
        assert refused.value.message == services.RATE_LIMIT_MESSAGE
        objection(entry, client_ip="198.51.100.2")
    assert PublicObjection.objects.count() == 6
    with time_machine.travel(PUBLISHED + timedelta(days=1, hours=1, seconds=1), tick=False):
        objection(entry, client_ip="198.51.100.1")
    assert PublicObjection.objects.count() == 7


def test_objection_after_the_notice_ended_is_refused():
    staff = bureau_staff()
    application = approved()
    with time_machine.travel(PUBLISHED, tick=False):
        on_notice([application], staff)
    with time_machine.travel(AFTER_END, tick=False), pytest.raises(RuleViolation):
        objection(application.public_notice_entry)
    assert not PublicObjection.objects.exists()


# --- reject, and issue without a notice ----------------------------------------------------


def test_reject_needs_a_reason_and_tells_the_applicant():
    staff = bureau_staff()
    application = approved()
    with pytest.raises(RuleViolation):
        services.application_bureau_reject(application=application, actor=staff, reason="")
    assert state_of(application) == S.BUREAU_REVIEW
    services.application_bureau_reject(
        application=application,
        actor=staff,
        reason="业绩材料与事实不符。",
        expected_version=application.version,
    )
    assert state_of(application) == S.NOT_APPROVED
    event = AuditEvent.objects.get(action="application.bureau_reject")
    assert (event.reason, event.actor) == ("业绩材料与事实不符。", staff)
    assert Notification.objects.get(kind="bureau_rejected").context["reason"] == (
        "业绩材料与事实不符。"
    )


def test_issue_without_notice_needs_a_reason_and_a_second_person():
    proposer, second = bureau_staff(), bureau_staff()
    application = approved()
    with pytest.raises(RuleViolation):
        services.special_issuance_propose(application=application, actor=proposer, reason="  ")
    assert not SpecialIssuance.objects.exists()
    issuance = services.special_issuance_propose(
        application=application, actor=proposer, reason="涉及国家安全，不宜公示。"
    )
    assert state_of(application) == S.BUREAU_REVIEW
    assert Notification.objects.get(kind="special_issuance_proposed").recipient == second
    with pytest.raises(RuleViolation) as refused:
        services.special_issuance_confirm(issuance=issuance, actor=proposer)
    assert "second, different" in str(refused.value.message)
    assert state_of(application) == S.BUREAU_REVIEW
    with pytest.raises(RuleViolation):  # only one pending proposal at a time
        services.special_issuance_propose(application=application, actor=second, reason="另议")
    services.special_issuance_confirm(issuance=issuance, actor=second)
    assert state_of(application) == S.CERTIFYING
    issuance.refresh_from_db()
    assert (issuance.status, issuance.confirmed_by) == (SpecialIssuanceStatus.CONFIRMED, second)
    assert list(
        AuditEvent.objects.filter(object_id=str(application.pk))
        .order_by("id")
        .values_list("action", "actor", "reason")
    ) == [
        ("bureau.special_issuance_propose", proposer.pk, "涉及国家安全，不宜公示。"),
        ("application.issue_without_notice", second.pk, "涉及国家安全，不宜公示。"),
    ]
    with pytest.raises(ChangedMeanwhile):  # confirming twice
        services.special_issuance_confirm(issuance=issuance, actor=bureau_staff())


def test_a_withdrawn_proposal_cannot_be_confirmed_and_publishing_cancels_one():
    proposer, second = bureau_staff(), bureau_staff()
    first, other = approved(), approved()
    withdrawn = services.special_issuance_propose(application=first, actor=proposer, reason="特殊")
    services.special_issuance_cancel(issuance=withdrawn, actor=proposer)
    with pytest.raises(ChangedMeanwhile):
        services.special_issuance_confirm(issuance=withdrawn, actor=second)
    pending = services.special_issuance_propose(application=other, actor=proposer, reason="特殊")
    on_notice([other], second)
    pending.refresh_from_db()
    assert pending.status == SpecialIssuanceStatus.CANCELLED
    assert state_of(first) == S.BUREAU_REVIEW


# --- every transition: allowed and forbidden -----------------------------------------------


def _publish(application, actor):
    on_notice([application], actor)


def _reject(application, actor):
    services.application_bureau_reject(application=application, actor=actor, reason="理由")


def _propose(application, actor):
    services.special_issuance_propose(application=application, actor=actor, reason="理由")


@pytest.mark.parametrize("action", [_publish, _reject, _propose])
@pytest.mark.parametrize(
    ("state", "role", "allowed"),
    [
        (S.BUREAU_REVIEW, Role.BUREAU_STAFF, True),
        (S.BUREAU_REVIEW, Role.AGENCY_STAFF, False),
        (S.BUREAU_REVIEW, Role.APPLICANT, False),
        (S.COMMITTEE_REVIEW, Role.BUREAU_STAFF, False),
        (S.PUBLIC_NOTICE, Role.BUREAU_STAFF, False),
        (S.CERTIFYING, Role.BUREAU_STAFF, False),
    ],
)
def test_decisions_allowed_and_forbidden(action, state, role, allowed):
    application = complete_in(state)
    actor = bureau_staff() if role == Role.BUREAU_STAFF else UserFactory(roles=[role])
    if allowed:
        action(application, actor)
        assert state_of(application) != state or action is _propose
    else:
        with pytest.raises((NotAllowed, ChangedMeanwhile)):
            action(application, actor)
        assert state_of(application) == state
