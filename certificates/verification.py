"""Verification of a certificate: by number and holder's name, by the QR code, by the PDF.

Every public verification is recorded (the holder sees them) and limited per client address
and minute; the address itself is kept only as a keyed hash.
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone

from certificates import keys, pdf
from certificates.enums import VerificationMethod, VerificationResult
from certificates.models import Certificate, Verification
from certificates.services import certificate_data, certificate_signature_valid, data_canonical
from titles import rate_limits
from titles.people import organizations_of_member

R = VerificationResult
VERIFICATIONS_PER_MINUTE = getattr(settings, "CERTIFICATES_VERIFICATIONS_PER_MINUTE", 20)
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
NUMBER_MAX = 64


class RateLimited(Exception):
    """Too many verifications from one address within a minute."""


@dataclass(frozen=True)
class Outcome:
    result: VerificationResult
    certificate: Certificate | None = None

    @property
    def command_word(self) -> str:
        """What ``verify_certificate`` prints: valid / revoked / unknown / tampered."""
        return "tampered" if self.result == R.ALTERED else str(self.result.value)


def _normalised_number(number: str) -> str:
    return (number or "").strip().upper()[:NUMBER_MAX]


def _checked(certificate: Certificate) -> Outcome:
    if not certificate_signature_valid(certificate):
        return Outcome(R.ALTERED, certificate)
    if certificate.revoked_at is not None:
        return Outcome(R.REVOKED, certificate)
    return Outcome(R.VALID, certificate)


def _number_outcome(
    certificate: Certificate | None, *, name: str | None, signature: str
) -> Outcome:
    if certificate is None:
        return Outcome(R.UNKNOWN)
    if name is not None and " ".join(name.split()) != certificate.holder_name:
        return Outcome(R.UNKNOWN)
    # The QR code normally carries the row's own signature: then ``_checked`` checks exactly it.
    if (
        signature
        and signature != certificate.signature
        and not keys.data_signature_valid(data_canonical(certificate_data(certificate)), signature)
    ):
        return Outcome(R.ALTERED, certificate)
    return _checked(certificate)


def certificate_check_number(
    *, number: str, name: str | None = None, signature: str = ""
) -> Outcome:
    """The answer for a number; with ``name`` it must be the holder's (else unknown, so that a
    number alone discloses nothing); with ``signature`` (from the QR code) it must be the
    bureau's signature of the row's data (else altered)."""
    # Not the signed PDF (a third of a megabyte): the answer needs only the signed data.
    certificate = Certificate.objects.defer("pdf").filter(number=_normalised_number(number)).first()
    return _number_outcome(certificate, name=name, signature=signature)


# Every column but the signed PDF, in model order (``Certificate.from_db`` takes them so).
_ANSWER_FIELDS = [field for field in Certificate._meta.concrete_fields if field.name != "pdf"]


@cache
def _recent_and_certificate_sql() -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(f"c.{quote(field.column)}" for field in _ANSWER_FIELDS)
    verifications = quote(Verification._meta.db_table)
    # Only names from the models' metadata are formatted in; every value is a parameter.
    recent = (
        f"SELECT count(*) FROM (SELECT 1 FROM {verifications} v "  # noqa: S608
        f"WHERE v.{quote('client_hash')} = %s AND v.{quote('verified_at')} > %s LIMIT %s) r"
    )
    certificates = quote(Certificate._meta.db_table)
    return (
        f"SELECT ({recent}), {columns} FROM (VALUES (1)) AS one "  # noqa: S608
        f"LEFT JOIN {certificates} c ON c.{quote('number')} = %s"
    )


def _recent_and_certificate(*, hashed: str, since, number: str) -> tuple[int, Certificate | None]:
    """The client's verifications since ``since`` (counted up to the limit) and the certificate
    numbered ``number`` without its PDF, in one round trip: the public page's every request
    makes it, and the ORM's two queries cost four times as much."""
    with connection.cursor() as cursor:
        cursor.execute(
            _recent_and_certificate_sql(), [hashed, since, VERIFICATIONS_PER_MINUTE, number]
        )
        recent, *values = cursor.fetchone()
    if values[0] is None:
        return recent, None
    return recent, Certificate.from_db(
        connection.alias, [field.attname for field in _ANSWER_FIELDS], values
    )


def certificate_check_pdf(*, document: bytes) -> Outcome:
    """The answer for an uploaded PDF: its PAdES signature must be intact and trusted, and the
    data embedded in it must be the row's data, signed by the bureau."""
    if not pdf.pdf_signature_intact(document):
        ours = b"/ByteRange" in document or pdf.pdf_embedded_data(document) is not None
        return Outcome(R.ALTERED if ours else R.UNKNOWN)
    embedded = pdf.pdf_embedded_data(document)
    try:
        payload = json.loads(embedded or b"")
        data, signature = payload["data"], payload["signature"]
        number = data["number"]
    except (ValueError, KeyError, TypeError):
        return Outcome(R.ALTERED)
    certificate = Certificate.objects.defer("pdf").filter(number=str(number)).first()
    if certificate is None:
        return Outcome(R.UNKNOWN)
    embedded_canonical = data_canonical(data)
    if embedded_canonical != data_canonical(certificate_data(certificate)) or not (
        keys.data_signature_valid(embedded_canonical, signature)
    ):
        return Outcome(R.ALTERED, certificate)
    return _checked(certificate)


def client_hash(client_ip: str | None) -> str:
    return rate_limits.client_hash(client_ip, purpose="certificates.verification.client")


def _organizations_of(user) -> str:
    if not getattr(user, "is_authenticated", False):
        return ""
    return "; ".join(sorted(str(organization) for organization in organizations_of_member(user)))


def certificate_verify(
    *,
    method: str,
    client_ip: str | None,
    user=None,
    number: str = "",
    name: str | None = None,
    signature: str = "",
    document: bytes | None = None,
) -> Outcome:
    """A public verification: refuse beyond ``VERIFICATIONS_PER_MINUTE`` per address
    (``RateLimited``), answer, and record who asked (the organization if signed in)."""
    hashed = client_hash(client_ip)
    now = timezone.now()
    since = now - timedelta(minutes=1)
    if method == VerificationMethod.UPLOAD:
        recent = Verification.objects.filter(client_hash=hashed, verified_at__gt=since)
        if rate_limits.limit_reached(recent, limit=VERIFICATIONS_PER_MINUTE):
            raise RateLimited
        outcome = certificate_check_pdf(document=document or b"")
    else:
        recent, certificate = _recent_and_certificate(
            hashed=hashed, since=since, number=_normalised_number(number)
        )
        if recent >= VERIFICATIONS_PER_MINUTE:
            raise RateLimited
        outcome = _number_outcome(certificate, name=name, signature=signature)
    authenticated = getattr(user, "is_authenticated", False)
    Verification.objects.create(
        certificate=outcome.certificate,
        number=outcome.certificate.number if outcome.certificate else _normalised_number(number),
        method=method,
        result=outcome.result,
        verified_at=now,
        verifier=user if authenticated else None,
        organization_name=_organizations_of(user)[:400],
        client_hash=hashed,
    )
    return outcome
