"""In-app notifications and the email outbox (written by :mod:`titles.notifications`)."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from titles.notification_kinds import is_safe_relative_url, notification_text

__all__ = ["Notification", "OutboxEmail", "OutboxStatus"]


class Notification(models.Model):
    """One thing a user is told in the application.

    Only the kind and its context are stored; the text is rendered when it is shown, in the
    language of whoever reads it (see :func:`titles.notification_kinds.notification_text`).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=80)
    context = models.JSONField(_("context"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="titles_notif_list_idx"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="titles_notif_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def text(self) -> str:
        """The notice in the current (the viewer's) language."""
        return notification_text(self)

    @property
    def safe_url(self) -> str:
        """The link if it is a same-site relative URL, else an empty string."""
        return self.url if is_safe_relative_url(self.url) else ""


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class OutboxEmail(models.Model):
    """One email to send, rendered in the recipient's language when it was written.

    Written in the transaction of the change that causes it and sent by
    :func:`titles.tasks.task_send_email`; a pending row older than a minute is queued again by
    the outbox sweeper, so a broker outage at commit time loses nothing.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_emails",
    )
    notification = models.OneToOneField(
        Notification,
        verbose_name=_("notification"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="email",
    )
    kind = models.CharField(_("kind"), max_length=80, blank=True)
    to_address = models.EmailField(_("recipient address"), max_length=254)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # When the next send is due: creation time, then the retry time after a failed attempt.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # When the body was erased because the code or personal link it carried had expired.
    body_erased_at = models.DateTimeField(_("text erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox email")
        verbose_name_plural = _("outbox emails")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="titles_outbox_pending_idx",
            ),
            models.Index(
                fields=["kind", "created_at"],
                condition=models.Q(body_erased_at__isnull=True),
                name="titles_outbox_erase_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.to_address}: {self.subject} ({self.status})"
