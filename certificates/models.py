"""Certificates: one per certified application, its number from a per-year counter, and the
record of every verification."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from certificates.enums import VerificationMethod, VerificationResult
from committee.models import Committee
from titles.models.people import localised

# The bureau's one name (issue 22): in Chinese as certificates state it, and in English.
BUREAU_NAMES_EN = {
    "北京市人力资源和社会保障局": "Beijing Municipal Bureau of Human Resources and Social Security"
}


class CertificateCounter(models.Model):
    """The last number issued in a year; its row is locked while a certificate is issued, so
    numbers are unique and without gaps (a rolled-back issuance rolls its number back too)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("certificate counter")
        verbose_name_plural = _("certificate counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Certificate(models.Model):
    """The certificate of one application: the signed data, the signature and the signed PDF.

    The data columns are what the signature covers (``certificates.services.certificate_data``);
    a change to any of them makes the certificate verify as altered.
    """

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="certificate"
    )
    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    holder_name = models.CharField(_("holder"), max_length=100)
    id_number_masked = models.CharField(_("ID number (masked)"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200)
    level = models.CharField(_("level"), max_length=20)
    series = models.CharField(_("title series"), max_length=100)
    series_en = models.CharField(_("title series in English"), max_length=100, blank=True)
    discipline = models.CharField(_("discipline"), max_length=100)
    discipline_en = models.CharField(_("discipline in English"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=20)
    approved_on = models.DateField(_("approval date"), null=True, blank=True)
    committee_name = models.CharField(_("committee"), max_length=200, blank=True)
    bureau_name = models.CharField(_("issuing bureau"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(_("issued at"))
    signature = models.CharField(_("data signature"), max_length=120)
    pdf = models.BinaryField(_("signed PDF"))
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def bureau_name_display(self) -> str:
        """The issuing bureau in the reader's language (the certificate states it in Chinese)."""
        return localised(self.bureau_name, BUREAU_NAMES_EN.get(self.bureau_name, ""))

    @property
    def committee_name_display(self) -> str:
        """The committee in the reader's language, from its English name when it has one."""
        if not self.committee_name:
            return ""
        name_en = (
            Committee.objects.filter(name=self.committee_name)
            .values_list("name_en", flat=True)
            .first()
        )
        return localised(self.committee_name, name_en or "")


class Verification(models.Model):
    """One verification by anyone: what was asked, the answer, and who asked (if signed in).

    The client's address is kept only as a keyed hash, enough to limit verifications per minute.
    """

    certificate = models.ForeignKey(
        Certificate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verifications",
    )
    number = models.CharField(_("number asked"), max_length=64, blank=True)
    method = models.CharField(_("method"), max_length=10, choices=VerificationMethod.choices)
    result = models.CharField(_("result"), max_length=10, choices=VerificationResult.choices)
    verified_at = models.DateTimeField(_("verified at"), db_index=True)
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization_name = models.CharField(_("verifying organization"), max_length=400, blank=True)
    client_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("certificate verification")
        verbose_name_plural = _("certificate verifications")
        ordering = ["-verified_at", "-id"]
        indexes = [models.Index(fields=["client_hash", "verified_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.result}"


class IssuanceRequest(models.Model):
    """That issuance of an application's certificate was queued (by the sweep or a batch), and
    when: the sweep queues again only what has waited too long."""

    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="issuance_request"
    )
    queued_at = models.DateTimeField(_("queued at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("certificate issuance request")
        verbose_name_plural = _("certificate issuance requests")

    def __str__(self) -> str:
        return f"{self.application_id} {self.queued_at:%Y-%m-%d %H:%M}"
