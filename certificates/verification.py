"""Verification of a certificate: by number and holder's name, by the QR code, by the PDF.

Every public verification is recorded (the holder sees them) and limited per client address
and minute; the address itself is kept only as a keyed hash.
"""

import hashlib
import json
import logging
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
from titles.audit import GENESIS_HASH, audit_hash
from titles.models import AuditEvent
from titles.people import organizations_of_member

R = VerificationResult
logger = logging.getLogger(__name__)
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
        return "tampered" if self.result in (R.ALTERED, R.NOT_ISSUED) else str(self.result.value)


def _normalised_number(number: str) -> str:
    return (number or "").strip().upper()[:NUMBER_MAX]


# The revocation as the hash-chained audit trail records it: the application's ``revoke``
# transition (``applications.services.application_transition`` audits every transition so).
REVOCATION_ACTION = "application.revoke"
APPLICATION_OBJECT_TYPE = "applications.application"


def revocation_event_id(certificate: Certificate) -> int | None:
    """The audit event that revoked the certificate's application, if the trail has one."""
    return (
        AuditEvent.objects.filter(
            object_type=APPLICATION_OBJECT_TYPE,
            object_id=str(certificate.application_id),
            action=REVOCATION_ACTION,
        )
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )


def _trail_event_intact(event_id: int) -> AuditEvent | None:
    """The event, when its content matches its hash and it is linked to both neighbours in
    the chain (an altered, moved or re-created event breaks one of the three)."""
    event = AuditEvent.objects.filter(pk=event_id).first()
    if event is None or audit_hash(event) != event.hash:
        return None
    before = AuditEvent.objects.filter(id__lt=event_id).order_by("-id").values("hash").first()
    if event.previous_hash != (before["hash"] if before else GENESIS_HASH):
        return None
    after = (
        AuditEvent.objects.filter(id__gt=event_id).order_by("id").values("previous_hash").first()
    )
    if after is not None and after["previous_hash"] != event.hash:
        return None
    return event


def _checked(certificate: Certificate, revocation_id: int | None) -> Outcome:
    """The answer for a certificate whose data were found: altered unless the bureau's
    signature covers them; revoked when the audit trail records its revocation.

    The revocation columns are not signed (a revoked certificate reads "revoked", not
    "altered"), so the trail decides, not the column a database writer could clear: a
    revocation in the trail answers "revoked" whatever the column says (the trail's moment
    shown), one in the column but not in the trail, or a trail event that does not check, is
    "altered". Removing the event itself breaks the chain (``manage.py verify_audit``)."""
    if not certificate_signature_valid(certificate):
        return Outcome(R.ALTERED, certificate)
    if revocation_id is None:
        if certificate.revoked_at is not None:
            return Outcome(R.ALTERED, certificate)
        return Outcome(R.VALID, certificate)
    event = _trail_event_intact(revocation_id)
    if event is None:
        return Outcome(R.ALTERED, certificate)
    if certificate.revoked_at is None:
        logger.error(
            "certificate %s: revoked in the audit trail (event %s) but not in its row",
            certificate.number,
            event.pk,
        )
        certificate.revoked_at = event.occurred_at  # this answer's copy, never saved
    return Outcome(R.REVOKED, certificate)


def _number_outcome(
    certificate: Certificate | None,
    *,
    name: str | None,
    signature: str,
    revocation_id: int | None = None,
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
    return _checked(certificate, revocation_id)


def certificate_check_number(
    *, number: str, name: str | None = None, signature: str = ""
) -> Outcome:
    """The answer for a number; with ``name`` it must be the holder's (else unknown, so that a
    number alone discloses nothing); with ``signature`` (from the QR code) it must be the
    bureau's signature of the row's data (else altered)."""
    # Not the signed PDF (a third of a megabyte): the answer needs only the signed data.
    certificate = Certificate.objects.defer("pdf").filter(number=_normalised_number(number)).first()
    revocation = revocation_event_id(certificate) if certificate is not None else None
    return _number_outcome(certificate, name=name, signature=signature, revocation_id=revocation)


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
    events = quote(AuditEvent._meta.db_table)
    revocation = (
        f"SELECT e.{quote('id')} FROM {events} e "  # noqa: S608
        f"WHERE e.{quote('object_type')} = %s "
        f"AND e.{quote('object_id')} = c.{quote('application_id')}::text "
        f"AND e.{quote('action')} = %s ORDER BY e.{quote('id')} LIMIT 1"
    )
    return (
        f"SELECT ({recent}), ({revocation}), {columns} FROM (VALUES (1)) AS one "  # noqa: S608
        f"LEFT JOIN {certificates} c ON c.{quote('number')} = %s"
    )


def _recent_and_certificate(
    *, hashed: str, since, number: str
) -> tuple[int, Certificate | None, int | None]:
    """The client's verifications since ``since`` (counted up to the limit), the certificate
    numbered ``number`` without its PDF, and the audit event of its revocation if any, in one
    round trip: the public page's every request makes it, and the ORM's queries cost four
    times as much."""
    with connection.cursor() as cursor:
        cursor.execute(
            _recent_and_certificate_sql(),
            [
                hashed,
                since,
                VERIFICATIONS_PER_MINUTE,
                APPLICATION_OBJECT_TYPE,
                REVOCATION_ACTION,
                number,
            ],
        )
        recent, revocation, *values = cursor.fetchone()
    if values[0] is None:
        return recent, None, None
    return (
        recent,
        Certificate.from_db(connection.alias, [field.attname for field in _ANSWER_FIELDS], values),
        revocation,
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
    outcome = _checked(certificate, revocation_event_id(certificate))
    if outcome.result == R.VALID and hashlib.sha256(document).hexdigest() != certificate.pdf_sha256:
        # The bureau keeps the file it issued: bytes the signature does not cover (its own
        # zero padding inside /Contents) can change while the signature still checks.
        return Outcome(R.NOT_ISSUED, certificate)
    return outcome


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
        recent, certificate, revocation = _recent_and_certificate(
            hashed=hashed, since=since, number=_normalised_number(number)
        )
        if recent >= VERIFICATIONS_PER_MINUTE:
            raise RateLimited
        outcome = _number_outcome(
            certificate, name=name, signature=signature, revocation_id=revocation
        )
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
