from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from certificates import verification
from certificates.enums import VerificationMethod, VerificationResult
from certificates.models import Certificate, Verification
from certificates.services import certificate_revoke
from certificates.verification import (
    RateLimited,
    certificate_check_number,
    certificate_check_pdf,
    certificate_verify,
)
from tests.applications.factories import pdf_bytes
from tests.bureau.factories import bureau_staff
from tests.certificates.factories import issued
from tests.factories import OrganizationFactory, UserFactory, role_assignment
from titles.audit import audit_hash
from titles.enums import Role
from titles.models import AuditEvent

pytestmark = pytest.mark.django_db
R = VerificationResult


@pytest.fixture
def certificate():
    return issued(real_name="欧阳修")


def test_number_and_name_of_a_genuine_certificate_is_valid(certificate):
    outcome = certificate_check_number(number=certificate.number.lower(), name=" 欧阳修 ")
    assert (outcome.result, outcome.certificate) == (R.VALID, certificate)


def test_wrong_name_or_number_is_unknown(certificate):
    assert certificate_check_number(number=certificate.number, name="欧阳").result == R.UNKNOWN
    assert certificate_check_number(number="BJGZ-2026-999999", name="欧阳修").result == R.UNKNOWN
    assert certificate_check_number(number="BJGZ-2026-999999").command_word == "unknown"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("holder_name", "欧阳修改"),
        ("title", "工程技术系列副高级专业技术资格"),
        ("id_number_masked", "110***********9999"),
        ("committee_name", "别的评委会"),
    ],
)
def test_a_field_changed_in_the_database_reads_as_altered(certificate, field, value):
    Certificate.objects.filter(pk=certificate.pk).update(**{field: value})
    outcome = certificate_check_number(number=certificate.number)
    assert (outcome.result, outcome.command_word) == (R.ALTERED, "tampered")


def test_qr_signature_must_be_the_bureaus_signature_of_the_data(certificate):
    good = certificate_check_number(number=certificate.number, signature=certificate.signature)
    assert good.result == R.VALID
    forged = certificate.signature[:-2] + ("AA" if certificate.signature[-2:] != "AA" else "BB")
    assert certificate_check_number(number=certificate.number, signature=forged).result == R.ALTERED
    assert certificate_check_number(number=certificate.number, signature="x").result == R.ALTERED


def test_revoked_certificate_reads_as_revoked(certificate):
    certificate_revoke(certificate=certificate, actor=bureau_staff(), reason="论文抄袭")
    outcome = certificate_check_number(number=certificate.number, name="欧阳修")
    assert outcome.result == R.REVOKED
    assert certificate_check_pdf(document=bytes(certificate.pdf)).result == R.REVOKED


def _revoked(certificate):
    certificate_revoke(certificate=certificate, actor=bureau_staff(), reason="论文抄袭")
    return Certificate.objects.get(pk=certificate.pk)


def _verify_number(certificate, **kwargs):
    """Through the public path (one round trip of plain SQL), as the page and the QR code do."""
    return certificate_verify(
        method=VerificationMethod.NUMBER,
        client_ip="198.51.100.7",
        number=certificate.number,
        **kwargs,
    )


def test_a_revocation_cleared_in_the_database_still_reads_as_revoked(certificate):
    """Issue #27: the revocation was a plain column a database writer could clear. The
    verification answers from the hash-chained audit trail: cleared, it still reads revoked,
    on every path, with the trail's date."""
    revoked = _revoked(certificate)
    event = AuditEvent.objects.get(action="application.revoke")
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at=None, revoke_reason="", revoked_by=None
    )
    for outcome in (
        certificate_check_number(number=certificate.number, name="欧阳修"),
        _verify_number(certificate, name="欧阳修"),
        _verify_number(certificate, signature=certificate.signature),
        certificate_check_pdf(document=bytes(certificate.pdf)),
    ):
        assert outcome.result == R.REVOKED
        # The trail's moment (the same transaction as the column's, a few ms apart).
        assert outcome.certificate.revoked_at == event.occurred_at
        assert abs(event.occurred_at - revoked.revoked_at) < timedelta(seconds=5)


def test_a_revocation_only_in_the_column_reads_as_altered(certificate):
    """A revocation the trail does not record was written around the services: not trusted."""
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    assert certificate_check_number(number=certificate.number).result == R.ALTERED
    assert _verify_number(certificate, name="欧阳修").result == R.ALTERED


@pytest.mark.parametrize("tamper", ["content", "chain"])
def test_a_revocation_whose_trail_event_was_altered_reads_as_altered(certificate, tamper):
    _revoked(certificate)
    event = AuditEvent.objects.get(action="application.revoke")
    AuditEvent.objects.create(  # a later event, so the revocation has a neighbour on each side
        occurred_at=timezone.now(),
        action="test.later",
        object_type="test",
        object_id="1",
        previous_hash=event.hash,
        hash="f" * 64,
    )
    with connection.cursor() as cursor:  # a writer who can switch the append-only trigger off
        cursor.execute("SET session_replication_role = replica")
    try:
        if tamper == "content":
            AuditEvent.objects.filter(pk=event.pk).update(reason="误撤销")
        else:  # content and hash recomputed together: the next event no longer links to it
            event.reason = "误撤销"
            AuditEvent.objects.filter(pk=event.pk).update(
                reason=event.reason, hash=audit_hash(event)
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET session_replication_role")
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=None)
    assert certificate_check_number(number=certificate.number).result == R.ALTERED
    assert _verify_number(certificate, name="欧阳修").result == R.ALTERED


def _contents_padding_flipped(document: bytes) -> bytes:
    """One hex digit of the zero padding inside the signature's /Contents <...> changed: the
    signature does not cover /Contents, and its DER ends before the padding."""
    start = document.index(b"/Contents <") + len(b"/Contents <")
    end = document.index(b">", start)
    assert document[end - 8 : end] == b"00000000"
    return document[: end - 2] + b"1" + document[end - 1 :]


def test_an_uploaded_pdf_with_a_flipped_byte_in_the_signature_padding_is_not_the_issued_file(
    certificate,
):
    """Issue #27: the signature still checks, and the data are the row's, but the bytes are not
    the ones the bureau issued."""
    document = _contents_padding_flipped(bytes(certificate.pdf))
    assert len(document) == len(certificate.pdf) and document != bytes(certificate.pdf)
    outcome = certificate_check_pdf(document=document)
    assert (outcome.result, outcome.certificate, outcome.command_word) == (
        R.NOT_ISSUED,
        certificate,
        "tampered",
    )
    assert certificate_check_pdf(document=bytes(certificate.pdf)).result == R.VALID


def test_uploaded_genuine_pdf_is_valid(certificate):
    outcome = certificate_check_pdf(document=bytes(certificate.pdf))
    assert (outcome.result, outcome.certificate) == (R.VALID, certificate)


@pytest.mark.parametrize("position", [0.25, 0.5, 0.75, 0.99])
def test_uploaded_pdf_with_one_flipped_byte_is_altered(certificate, position):
    document = bytearray(certificate.pdf)
    document[int(len(document) * position)] ^= 0x01
    assert certificate_check_pdf(document=bytes(document)).result == R.ALTERED


def test_uploaded_pdf_whose_row_changed_is_altered(certificate):
    Certificate.objects.filter(pk=certificate.pk).update(discipline="量子计算")
    assert certificate_check_pdf(document=bytes(certificate.pdf)).result == R.ALTERED


def test_uploaded_pdf_of_a_number_not_in_the_database_is_unknown(certificate):
    document = bytes(certificate.pdf)
    Certificate.objects.filter(pk=certificate.pk).update(number="BJGZ-2026-777777")
    assert certificate_check_pdf(document=document).result == R.UNKNOWN


def test_uploaded_other_pdf_or_garbage_is_unknown():
    assert certificate_check_pdf(document=pdf_bytes()).result == R.UNKNOWN
    assert certificate_check_pdf(document=b"not a pdf").result == R.UNKNOWN


def test_verify_records_the_organization_of_a_signed_in_verifier(certificate):
    verifier = UserFactory()
    role_assignment(
        verifier, Role.EMPLOYER_REVIEWER, OrganizationFactory(name="北京某某科技有限公司")
    )
    certificate_verify(
        method=VerificationMethod.NUMBER,
        client_ip="198.51.100.7",
        user=verifier,
        number=certificate.number,
        name="欧阳修",
    )
    certificate_verify(
        method=VerificationMethod.QR_CODE,
        client_ip="198.51.100.8",
        number=certificate.number,
        signature=certificate.signature,
    )
    rows = list(
        Verification.objects.order_by("pk").values_list(
            "certificate", "method", "result", "organization_name", "verifier"
        )
    )
    assert rows == [
        (certificate.pk, "number", "valid", "北京某某科技有限公司", verifier.pk),
        (certificate.pk, "qr_code", "valid", "", None),
    ]
    assert "198.51.100" not in Verification.objects.first().client_hash


def test_verify_is_limited_per_address_and_minute(certificate, monkeypatch):
    monkeypatch.setattr(verification, "VERIFICATIONS_PER_MINUTE", 3)
    for _ in range(3):
        certificate_verify(
            method=VerificationMethod.NUMBER, client_ip="203.0.113.5", number="BJGZ-0"
        )
    with pytest.raises(RateLimited):
        certificate_verify(
            method=VerificationMethod.NUMBER, client_ip="203.0.113.5", number=certificate.number
        )
    other = certificate_verify(
        method=VerificationMethod.NUMBER,
        client_ip="203.0.113.6",
        number=certificate.number,
        name="欧阳修",
    )
    assert other.result == R.VALID
    assert Verification.objects.count() == 4
