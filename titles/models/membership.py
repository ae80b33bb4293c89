"""Who belongs to an organization (DOMAIN rule 2: its members see its internal notices and may
object), and the two ways in: an invitation from its reviewers, or a request they confirm.

Written only by :mod:`titles.people.membership` (audited)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from titles.enums import InvitationRole, JoinRequestStatus, MembershipVia
from titles.models.people import Organization

__all__ = ["JoinRequest", "Membership", "OrganizationInvitation"]


class Membership(models.Model):
    """A person belongs to an organization (a colleague, an applicant at their employer)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    via = models.CharField(_("joined by"), max_length=20, choices=MembershipVia.choices)
    joined_at = models.DateTimeField(_("joined at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization_id", "joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="titles_membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization}"


class OrganizationInvitation(models.Model):
    """An emailed invitation to join an organization, as reviewer or as member.

    Only the SHA-256 of the link's token is stored; the link works once, until ``expires_at``.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("invited as"), max_length=10, choices=InvitationRole.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("invitation to an organization")
        verbose_name_plural = _("invitations to organizations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organization} → {self.email}"


class JoinRequest(models.Model):
    """A person asks to belong to an organization; its reviewers confirm or refuse."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    note = models.CharField(_("department or note"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=JoinRequestStatus.choices,
        default=JoinRequestStatus.PENDING,
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now, editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("request to join an organization")
        verbose_name_plural = _("requests to join organizations")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=models.Q(status="pending"),
                name="titles_join_request_pending_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organization}"
