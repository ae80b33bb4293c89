from django.utils.translation import gettext_lazy as _

from applications.errors import ApplicationError, ChangedMeanwhile, NotAllowed, RuleViolation


class MeetingChangedMeanwhile(ChangedMeanwhile):
    default_message = _(
        "The meeting was changed meanwhile by someone else. Reload the page and try again."
    )


class NotChairman(NotAllowed):
    default_message = _("Only the chairman of the committee may do this.")


class AlreadyVoted(RuleViolation):
    default_message = _("You have already voted on this application.")


__all__ = [
    "AlreadyVoted",
    "ApplicationError",
    "MeetingChangedMeanwhile",
    "NotAllowed",
    "NotChairman",
    "RuleViolation",
]
