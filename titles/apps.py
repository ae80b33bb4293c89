from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TitlesConfig(AppConfig):
    name = "titles"
    verbose_name = _("Senior titles")

    def ready(self):
        from titles import (
            calendar,  # noqa: F401 - the calendar sweeper, kinds and audit labels
            checks,  # noqa: F401 - registers the production key checks
            notifications,  # noqa: F401 - registers the outbox sweeper and kinds
        )
