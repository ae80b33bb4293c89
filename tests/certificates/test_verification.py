import pytest

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
from titles.enums import Role

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
