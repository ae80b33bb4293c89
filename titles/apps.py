from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TitlesConfig(AppConfig):
    name = "titles"
    verbose_name = _("Senior titles")

    def ready(self):
        from titles import (  # noqa: PLC0415 — app ready: registered once the models are loaded
            calendar,  # noqa: F401 - the calendar's audit labels
            deadlines,  # noqa: F401 - the deadlines' sweeper, notice kind and audit label
            notifications,  # noqa: F401 - registers the outbox sweeper and kinds
            signin_throttle,  # noqa: F401 - the sign-in code's kind and the throttle's sweeper
        )
