"""The committee (stage 3b): committees, meetings, the agenda, the roll and the secret ballot.

Secrecy (DOMAIN.md rule 7): :class:`Participation` says *that* a member voted and
:class:`EncryptedBallot` holds *a* choice, encrypted to the item's public key. Neither has a
timestamp or a sequential key (random UUIDs), and nothing links them. Only totals survive the close.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from committee.enums import BallotStatus, MeetingStatus
from titles.models.people import localised


class Committee(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(
        _("name in English"),
        max_length=200,
        blank=True,
        help_text=_("Shown on the English pages; empty: the Chinese name."),
    )
    chairman = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="committees_chaired",
        verbose_name=_("chairman"),
    )
    vice_chairman = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committees_vice_chaired",
        verbose_name=_("vice-chairman"),
        help_text=_("Presides over a meeting in the chairman's absence."),
    )
    quorum = models.PositiveSmallIntegerField(
        _("quorum"),
        null=True,
        blank=True,
        help_text=_(
            "Members who must be present for a meeting to proceed. "
            "Empty: two thirds of the members, rounded up."
        ),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="committees",
        blank=True,
        verbose_name=_("members"),
        help_text=_("The chairman is a voting member too, whether listed here or not."),
    )

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the reader's language (the Chinese one when no English one is given)."""
        return localised(self.name, self.name_en)


class Meeting(models.Model):
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("committee")
    )
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online meeting link"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    # Who presides (rule 6): the chairman, or the vice-chairman in the chairman's absence; set
    # when the meeting opens and by each roll call (the chairman on the roll takes the chair).
    presided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("presided by"),
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    minutes_signed_at = models.DateTimeField(null=True, blank=True)
    minutes_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    minutes_pdf = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")
        ordering = ["-starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.committee} {self.starts_at:%Y-%m-%d}"

    # What its pages show follows the meeting's status (templates read these, never the value).
    @property
    def is_scheduled(self) -> bool:
        return self.status == MeetingStatus.SCHEDULED

    @property
    def is_open(self) -> bool:
        return self.status == MeetingStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == MeetingStatus.CLOSED


class Attendance(models.Model):
    """One row per member present at the meeting (the roll)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="committee_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.member}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="agenda_items"
    )
    position = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=BallotStatus.choices, default=BallotStatus.PENDING
    )
    # The ballot: a random salt (with the server's BALLOT_SECRET and the item's id it derives the
    # private key, which is never stored) and the public key members encrypt their choice to.
    ballot_salt = models.BinaryField(null=True, editable=False)
    public_key = models.BinaryField(null=True, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The totals, written at close (and only then).
    present = models.PositiveIntegerField(null=True)
    recused = models.PositiveIntegerField(null=True)
    votes_cast = models.PositiveIntegerField(null=True)
    consent = models.PositiveIntegerField(null=True)
    oppose = models.PositiveIntegerField(null=True)
    abstain = models.PositiveIntegerField(null=True)
    approved = models.BooleanField(null=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "application"], name="committee_item_once_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.position}"

    # The ballot's status, for the pages (templates read these, never the value).
    @property
    def ballot_pending(self) -> bool:
        return self.status == BallotStatus.PENDING

    @property
    def ballot_open(self) -> bool:
        return self.status == BallotStatus.OPEN

    @property
    def ballot_closed(self) -> bool:
        return self.status == BallotStatus.CLOSED


class Recusal(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="recusals")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    automatic = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="committee_recusal_once")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.member}"


class Participation(models.Model):
    """That ``member`` voted on ``item``: no time, no order, nothing about the choice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "member"], name="committee_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.member}"


class EncryptedBallot(models.Model):
    """One choice, sealed to the item's public key; no voter, no time; deleted at close."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="+")
    ciphertext = models.BinaryField()

    def __str__(self) -> str:
        return str(self.item)
