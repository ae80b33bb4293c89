from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("In session")
    CLOSED = "closed", _("Closed")


class BallotStatus(models.TextChoices):
    PENDING = "pending", _("Not yet voted on")
    OPEN = "open", _("Ballot open")
    CLOSED = "closed", _("Ballot closed")


class Choice(models.TextChoices):
    CONSENT = "consent", _("Consent")
    OPPOSE = "oppose", _("Oppose")
    ABSTAIN = "abstain", _("Abstain")
