"""The bureau's stage: public notices (in batches), public objections, special issuance."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Objection


class PublicNotice(models.Model):
    """One batch notice: several approved applicants published together (rule 2)."""

    title = models.CharField(_("title"), max_length=200)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    published_at = models.DateTimeField(_("published at"))
    ends_at = models.DateTimeField(_("ends at"), db_index=True)
    provisional = models.BooleanField(_("end date provisional"), default=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(working_days__gte=5), name="public_notice_at_least_5_days"
            )
        ]

    def __str__(self) -> str:
        return str(self.heading)

    @property
    def heading(self) -> str:
        """The title typed by the bureau, or the standard one in the reader's language (a
        generated title is not stored: it would stay in its publisher's language)."""
        if self.title:
            return self.title
        return _("Public notice of senior professional titles, %(date)s") % {
            "date": timezone.localdate(self.published_at).isoformat()
        }


class PublicNoticeEntry(models.Model):
    """One applicant in a batch notice; passes on its own (an open objection holds only it)."""

    notice = models.ForeignKey(PublicNotice, on_delete=models.PROTECT, related_name="entries")
    application = models.OneToOneField(
        "applications.Application", on_delete=models.PROTECT, related_name="public_notice_entry"
    )
    passed_at = models.DateTimeField(_("passed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("public notice entry")
        verbose_name_plural = _("public notice entries")
        ordering = ["notice", "id"]

    def __str__(self) -> str:
        return f"{self.notice} · {self.application.reference}"


def _objection_upload_to(instance, filename: str) -> str:
    return f"public_objections/{instance.entry_id}/{filename}"


class PublicObjection(Objection):
    """An objection from anyone during a public notice, under a real name with a contact."""

    entry = models.ForeignKey(
        PublicNoticeEntry, on_delete=models.PROTECT, related_name="objections"
    )
    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    real_name = models.CharField(_("real name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=100)
    evidence = models.FileField(
        _("evidence"), upload_to=_objection_upload_to, max_length=200, blank=True
    )
    # A keyed hash of the client's address: enough to limit objections per address and hour,
    # without keeping the address itself in this table.
    client_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(_("raised at"), db_index=True)

    class Meta:
        verbose_name = _("public objection")
        verbose_name_plural = _("public objections")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["client_hash", "created_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def application_id(self) -> int:
        return self.entry.application_id

    @property
    def audit_reference(self) -> str:
        return self.reference


class SpecialIssuanceStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a second confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class SpecialIssuance(models.Model):
    """Issuing without a public notice: proposed by one bureau staff member with a written
    reason, done only when a second, different one confirms (four-eyes principle)."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="special_issuances"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SpecialIssuanceStatus.choices,
        default=SpecialIssuanceStatus.PENDING,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("confirmed or cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("issuance without public notice")
        verbose_name_plural = _("issuances without public notice")
        ordering = ["proposed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status="pending"),
                name="special_issuance_one_pending",
            ),
            models.CheckConstraint(
                condition=~models.Q(confirmed_by=models.F("proposed_by")),
                name="special_issuance_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.get_status_display()}"
