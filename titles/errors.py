from django.utils.translation import gettext_lazy as _


class ApplicationError(Exception):
    """A domain refusal with a message for the user (translated at display time).

    Every stage raises these (or its own subclasses): the foundation's kit, so that each
    stage's views turn any stage's refusal into a message the same way.
    """

    default_message = _("This action is not possible.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class ChangedMeanwhile(ApplicationError):
    default_message = _(
        "The application was changed meanwhile by someone else. Reload the page and try again."
    )


class NotAllowed(ApplicationError):
    default_message = _("You may not do this with this application.")


class RuleViolation(ApplicationError):
    """The rules of the process refuse the action; the message says which rule."""
