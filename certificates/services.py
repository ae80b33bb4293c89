"""Writes for certificates: issuance (number, signed data, signed PDF, ``certify``), batch
issuance for a notice, the sweep that starts issuance, and revocation.

The certificate's data are the columns of :class:`~certificates.models.Certificate` listed in
:func:`certificate_data`; their canonical JSON is signed with the bureau's Ed25519 key.
"""

import hashlib
import json
from datetime import date, datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationState, Category, TitleLevel
from applications.errors import ChangedMeanwhile, NotAllowed
from applications.models import Application
from applications.services import application_transition, decision_reason, tell
from certificates import keys, pdf, permissions
from certificates.models import Certificate, CertificateCounter, IssuanceRequest
from committee import selectors as committee_selectors
from titles.audit import audit_record
from titles.sweep import sweeper

S = ApplicationState
BUREAU_NAME = "北京市人力资源和社会保障局"
NUMBER_PREFIX = "BJGZ"
# A queued issuance that has not produced a certificate after this long is queued again.
REQUEUE_AFTER = timedelta(minutes=30)
SIGNED_FIELDS = (
    "number",
    "holder",
    "id_number_masked",
    "title",
    "title_en",
    "level",
    "series",
    "series_en",
    "discipline",
    "discipline_en",
    "category",
    "approved_on",
    "committee",
    "bureau",
    "issued_on",
)


# --- the signed data --------------------------------------------------------------------------


def certificate_number_format(*, year: int, serial: int) -> str:
    return f"{NUMBER_PREFIX}-{year}-{serial:06d}"


def certificate_data(certificate: Certificate) -> dict[str, str]:
    """The fields the signature covers, as strings (dates in ISO form, "" when absent)."""
    return {
        "number": certificate.number,
        "holder": certificate.holder_name,
        "id_number_masked": certificate.id_number_masked,
        "title": certificate.title,
        "title_en": certificate.title_en,
        "level": certificate.level,
        "series": certificate.series,
        "series_en": certificate.series_en,
        "discipline": certificate.discipline,
        "discipline_en": certificate.discipline_en,
        "category": certificate.category,
        "approved_on": certificate.approved_on.isoformat() if certificate.approved_on else "",
        "committee": certificate.committee_name,
        "bureau": certificate.bureau_name,
        "issued_on": certificate.issued_on.isoformat(),
    }


def data_canonical(data: dict) -> bytes:
    """Sorted keys, no spaces, UTF-8: the exact bytes that are signed."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def certificate_signature_valid(certificate: Certificate) -> bool:
    """True when the row's data still match the signature made at issuance."""
    return keys.data_signature_valid(
        data_canonical(certificate_data(certificate)), certificate.signature
    )


def certificate_verify_url(*, number: str, signature: str) -> str:
    """The address the QR code carries: the public page with the data signature."""
    path = reverse("certificates:verify_number", args=[number])
    return f"{settings.SITE_URL.rstrip('/')}{path}?s={signature}"


def _label(choices, value: str, language: str) -> str:
    if not value:
        return ""
    with translation.override(language):
        return str(choices(value).label)


def _date_zh(value: date | None) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def certificate_display(certificate: Certificate) -> dict[str, str]:
    """The signed data with the labels and dates the document shows."""
    data = certificate_data(certificate)
    return {
        **data,
        "level_zh": _label(TitleLevel, certificate.level, "zh-hans"),
        "level_en": _label(TitleLevel, certificate.level, "en"),
        "category_zh": _label(Category, certificate.category, "zh-hans"),
        "category_en": _label(Category, certificate.category, "en"),
        "approved_on_zh": _date_zh(certificate.approved_on),
        "issued_on_zh": _date_zh(certificate.issued_on),
    }


def _committee_decision(application: Application) -> dict | None:
    """``committee.selectors.committee_decision``, or None when the committee gives none."""
    lookup = getattr(committee_selectors, "committee_decision", None)
    if lookup is None:
        return None
    try:
        return lookup(application=application)
    except Exception:
        return None


def _title_names(application: Application) -> tuple[str, str]:
    series = application.title_series
    level_zh = _label(TitleLevel, application.level, "zh-hans")
    level_en = _label(TitleLevel, application.level, "en")
    series_zh = series.name if series else ""
    series_en = (series.name_en or series.name) if series else ""
    title = f"{series_zh}系列{level_zh}专业技术资格" if series_zh else f"{level_zh}专业技术资格"
    title_en = f"{level_en} professional title" + (f", {series_en} series" if series_en else "")
    return title, title_en


def _number_next(year: int) -> str:
    """The next number of ``year``; the counter row stays locked until the caller commits."""
    CertificateCounter.objects.bulk_create([CertificateCounter(year=year)], ignore_conflicts=True)
    counter = CertificateCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return certificate_number_format(year=year, serial=counter.last)


def _certificate_new(application: Application, now: datetime) -> Certificate:
    decision = _committee_decision(application)
    decided_at = decision.get("decided_at") if decision else None
    title, title_en = _title_names(application)
    discipline = application.discipline
    series = application.title_series
    issued_on = timezone.localdate(now)
    return Certificate(
        application=application,
        number=_number_next(issued_on.year),
        holder_name=application.applicant.display_name,
        id_number_masked=application.applicant.id_number_masked,
        title=title,
        title_en=title_en,
        level=application.level,
        series=series.name if series else "",
        series_en=(series.name_en or "") if series else "",
        discipline=discipline.name if discipline else "",
        discipline_en=(discipline.name_en or "") if discipline else "",
        category=application.category,
        approved_on=timezone.localdate(decided_at) if decided_at else None,
        committee_name=str(decision.get("committee_name") or "") if decision else "",
        bureau_name=BUREAU_NAME,
        issued_on=issued_on,
        issued_at=now,
    )


def certificate_document(certificate: Certificate) -> bytes:
    """Render and PAdES-sign the certificate's PDF (its data and signature already set)."""
    data = certificate_data(certificate)
    payload = json.dumps(
        {"data": data, "signature": certificate.signature},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()
    rendered = pdf.certificate_pdf_render(
        data=certificate_display(certificate),
        verify_url=certificate_verify_url(
            number=certificate.number, signature=certificate.signature
        ),
        signed_data=payload,
    )
    return pdf.pdf_pades_sign(
        rendered,
        reason=f"Certificate {certificate.number} issued by {keys.BUREAU_COMMON_NAME}",
        location="Beijing",
    )


def certificate_issue(*, application_id: int) -> Certificate | None:
    """Issue the certificate of an application in ``certifying``; returns it.

    Allocates the next number of the year (the counter row stays locked until commit, so numbers
    are unique and leave no gaps), signs the data, renders and signs the PDF, and moves the
    application to ``certified`` (audited), telling the holder. Safe to run twice: an
    application that has its certificate gets it back, one in any other state gets None.
    """
    existing = Certificate.objects.filter(application_id=application_id).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("applicant", "title_series", "discipline")
            .filter(pk=application_id)
            .first()
        )
        if application is None:
            return None
        existing = Certificate.objects.filter(application=application).first()
        if existing is not None or application.state != S.CERTIFYING:
            return existing
        certificate = _certificate_new(application, timezone.now())
        certificate.signature = keys.data_sign(data_canonical(certificate_data(certificate)))
        document = certificate_document(certificate)
        certificate.pdf = document
        certificate.pdf_sha256 = hashlib.sha256(document).hexdigest()
        certificate.save()
        with application_transition(
            application=application,
            actor=None,
            name="certify",
            allowed=lambda actor, app: app.state == S.CERTIFYING,
            reason=certificate.number,
        ) as certified:
            tell([certified.applicant], certified, "certificate_issued", number=certificate.number)
    return certificate


@shared_task(name="certificates.tasks.task_issue_certificate")
def task_issue_certificate(*, application_id: int) -> str | None:
    """Issue the application's certificate (see :func:`certificate_issue`).

    Safe to run twice: the second run finds the certificate and returns its number. Defined
    beside the service it runs, so that queueing it needs no import back from
    ``certificates.tasks`` (where Celery finds it).
    """
    certificate = certificate_issue(application_id=application_id)
    return certificate.number if certificate else None


# --- starting issuance: the sweep and the batch for a notice ----------------------------------


def _queue_issue(application_id: int) -> None:
    task_issue_certificate.delay(application_id=application_id)


def _issuance_request(application_id: int, *, now: datetime, actor=None) -> None:
    IssuanceRequest.objects.update_or_create(
        application_id=application_id,
        defaults={"queued_at": now, "requested_by": actor},
    )
    transaction.on_commit(lambda: _queue_issue(application_id))


def _awaiting_certificate():
    return Application.objects.filter(state=S.CERTIFYING, certificate__isnull=True)


@sweeper("certificates")
def certificates_sweep(now: datetime) -> list[str]:
    """Queue issuance for every application in ``certifying`` without a certificate that is
    not queued yet, or was queued more than ``REQUEUE_AFTER`` ago. A second pass finds
    nothing to do."""
    due = (
        _awaiting_certificate()
        .exclude(issuance_request__queued_at__gt=now - REQUEUE_AFTER)
        .order_by("pk")
    )
    changes = []
    with transaction.atomic():
        for application in due:
            _issuance_request(application.pk, now=now)
            changes.append(f"application {application.reference}: certificate issuance queued")
    return changes


def certificates_issue_for_notice(*, notice, actor) -> int:
    """Bureau staff queue issuance for everyone of a public notice who awaits a certificate;
    returns how many were queued (audited on the notice)."""
    if not permissions.can_issue(actor):
        raise NotAllowed
    now = timezone.now()
    pks = list(
        _awaiting_certificate()
        .filter(public_notice_entry__notice=notice)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    with transaction.atomic():
        for pk in pks:
            _issuance_request(pk, now=now, actor=actor)
        audit_record(
            actor=actor,
            action="certificate.batch_issue",
            obj=notice,
            data={"queued": len(pks)},
        )
    return len(pks)


# --- revocation -------------------------------------------------------------------------------


def certificate_revoke(
    *, certificate: Certificate, actor, reason: str, expected_version: int | None = None
) -> Certificate:
    """Bureau staff revoke a certificate with a reason: the application goes to ``revoked``
    (audited), the certificate records when, by whom and why, and the holder is told."""
    reason = decision_reason(reason, missing=_("Give the reason for revoking the certificate."))
    with application_transition(
        application=certificate.application,
        actor=actor,
        name="revoke",
        allowed=permissions.can_revoke,
        reason=reason,
        expected_version=expected_version,
    ) as revoked:
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at is not None:
            raise ChangedMeanwhile
        locked.revoked_at = timezone.now()
        locked.revoke_reason = reason
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoke_reason", "revoked_by"])
        tell(
            [revoked.applicant], revoked, "certificate_revoked", number=locked.number, reason=reason
        )
    return locked
