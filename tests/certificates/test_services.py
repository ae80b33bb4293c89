import threading
from datetime import UTC, date, datetime

import pytest
from django.db import connection

from applications.enums import ApplicationState
from applications.errors import NotAllowed, RuleViolation
from applications.models import Application
from certificates import services
from certificates.models import Certificate, CertificateCounter, IssuanceRequest
from certificates.tasks import task_issue_certificate
from tests.applications.factories import complete_in
from tests.bureau.factories import approved, bureau_staff, on_notice
from tests.certificates.factories import certifying, issued
from tests.factories import UserFactory
from titles.models import AuditEvent, Notification

S = ApplicationState


def state_of(application) -> str:
    return Application.objects.get(pk=application.pk).state


@pytest.fixture
def queued(monkeypatch):
    """The application ids queued for issuance (after commit, as production queues them)."""
    calls = []
    monkeypatch.setattr(services, "_queue_issue", calls.append)
    return calls


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a call and then its on-commit callbacks, as a real commit would."""

    def run(func, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return func(*args, **kwargs)

    return run


@pytest.mark.django_db
def test_issue_certifies_numbers_signs_and_tells_the_holder():
    application = certifying(real_name="王小明")
    certificate = services.certificate_issue(application_id=application.pk)
    year = certificate.issued_on.year
    assert certificate.number == f"BJGZ-{year}-000001"
    assert state_of(application) == S.CERTIFIED
    assert certificate.holder_name == "王小明"
    assert certificate.id_number_masked == application.applicant.id_number_masked
    assert certificate.title == "工程技术系列正高级专业技术资格"
    assert certificate.title_en == "Full senior professional title, Engineering series"
    assert (certificate.series, certificate.discipline) == ("工程技术", "人工智能")
    assert certificate.bureau_name == "北京市人力资源和社会保障局"
    assert services.certificate_signature_valid(certificate) is True
    assert bytes(certificate.pdf).startswith(b"%PDF-")
    event = AuditEvent.objects.filter(action="application.certify").get()
    assert (event.from_state, event.to_state, event.reason) == (
        "certifying",
        "certified",
        certificate.number,
    )
    notification = Notification.objects.get(recipient=application.applicant)
    assert notification.kind == "certificate_issued"
    assert notification.context["number"] == certificate.number


@pytest.mark.django_db
def test_issue_records_the_committee_decision(monkeypatch):
    from committee import selectors as committee_selectors

    decided = datetime(2026, 3, 1, 18, 30, tzinfo=UTC)  # 3 March 02:30 in Beijing
    monkeypatch.setattr(
        committee_selectors,
        "committee_decision",
        lambda *, application: {"decided_at": decided, "committee_name": "高层次人才评委会"},
    )
    certificate = issued()
    assert certificate.approved_on == date(2026, 3, 2)
    assert certificate.committee_name == "高层次人才评委会"
    assert services.certificate_data(certificate)["approved_on"] == "2026-03-02"


@pytest.mark.django_db
def test_issue_without_a_committee_stage_leaves_the_approval_empty(monkeypatch):
    from committee import selectors as committee_selectors

    monkeypatch.delattr(committee_selectors, "committee_decision")
    certificate = issued()
    assert (certificate.approved_on, certificate.committee_name) == (None, "")


@pytest.mark.django_db
def test_task_run_twice_yields_one_certificate():
    application = certifying()
    first = task_issue_certificate(application_id=application.pk)
    second = task_issue_certificate(application_id=application.pk)
    assert first == second
    assert Certificate.objects.filter(application=application).count() == 1
    assert CertificateCounter.objects.get().last == 1
    assert AuditEvent.objects.filter(action="application.certify").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("state", [S.BUREAU_REVIEW, S.PUBLIC_NOTICE, S.NOT_APPROVED])
def test_issue_refuses_applications_not_certifying(state):
    application = complete_in(state)
    assert services.certificate_issue(application_id=application.pk) is None
    assert Certificate.objects.count() == 0
    assert CertificateCounter.objects.count() == 0


@pytest.mark.django_db
def test_issue_of_a_missing_application_does_nothing():
    assert services.certificate_issue(application_id=999_999) is None


@pytest.mark.django_db(transaction=True)
def test_twenty_issued_at_once_get_unique_numbers_without_gaps():
    applications = [certifying(real_name=f"并发{index}") for index in range(20)]
    barrier = threading.Barrier(20)
    errors = []

    def issue(application_id):
        try:
            barrier.wait()
            services.certificate_issue(application_id=application_id)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(a.pk,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    year = Certificate.objects.first().issued_on.year
    numbers = sorted(Certificate.objects.values_list("number", flat=True))
    assert numbers == [f"BJGZ-{year}-{serial:06d}" for serial in range(1, 21)]
    assert Application.objects.filter(state=S.CERTIFIED).count() == 20


@pytest.mark.django_db
def test_sweep_queues_each_certifying_application_once(queued, committed):
    waiting = certifying()
    issued()  # already certified: nothing to queue
    now = datetime.now(UTC)
    changes = committed(services.certificates_sweep, now)
    assert changes == [f"application {waiting.reference}: certificate issuance queued"]
    assert queued == [waiting.pk]
    assert committed(services.certificates_sweep, now) == []
    assert queued == [waiting.pk]
    assert IssuanceRequest.objects.get().application_id == waiting.pk


@pytest.mark.django_db
def test_sweep_queues_again_what_waited_too_long(queued, committed):
    waiting = certifying()
    now = datetime.now(UTC)
    committed(services.certificates_sweep, now)
    later = now + services.REQUEUE_AFTER + services.timedelta(seconds=1)
    assert committed(services.certificates_sweep, later) == [
        f"application {waiting.reference}: certificate issuance queued"
    ]
    assert queued == [waiting.pk, waiting.pk]


@pytest.mark.django_db
def test_batch_for_a_notice_queues_those_who_passed_it(queued, committed):
    staff = bureau_staff()
    first, second, still_on = approved(), approved(), approved()
    notice = on_notice([first, second, still_on], staff)
    Application.objects.filter(pk__in=[first.pk, second.pk]).update(state=S.CERTIFYING)
    assert committed(services.certificates_issue_for_notice, notice=notice, actor=staff) == 2
    assert sorted(queued) == sorted([first.pk, second.pk])
    event = AuditEvent.objects.filter(action="certificate.batch_issue").get()
    assert event.data == {"queued": 2}


@pytest.mark.django_db
def test_batch_for_a_notice_refuses_others(queued, committed):
    staff = bureau_staff()
    notice = on_notice([approved()], staff)
    with pytest.raises(NotAllowed):
        services.certificates_issue_for_notice(notice=notice, actor=UserFactory())
    assert queued == []


@pytest.mark.django_db
def test_revoke_records_the_reason_audits_and_tells_the_holder():
    certificate = issued()
    staff = bureau_staff()
    revoked = services.certificate_revoke(certificate=certificate, actor=staff, reason="学历造假")
    assert state_of(certificate.application) == S.REVOKED
    assert revoked.revoke_reason == "学历造假"
    assert revoked.revoked_by == staff
    assert revoked.revoked_at is not None
    event = AuditEvent.objects.filter(action="application.revoke").get()
    assert (event.from_state, event.to_state, event.reason) == ("certified", "revoked", "学历造假")
    assert (
        Notification.objects.filter(kind="certificate_revoked")
        .values_list("recipient", flat=True)
        .get()
        == certificate.application.applicant_id
    )


@pytest.mark.django_db
def test_revoke_needs_a_reason_and_bureau_staff():
    certificate = issued()
    with pytest.raises(RuleViolation):
        services.certificate_revoke(certificate=certificate, actor=bureau_staff(), reason="  ")
    with pytest.raises(NotAllowed):
        services.certificate_revoke(certificate=certificate, actor=UserFactory(), reason="x")
    assert state_of(certificate.application) == S.CERTIFIED
