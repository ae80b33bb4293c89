from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
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
        from titles.middleware_2fa import last_seen_at_sign_in

        user_logged_in.connect(last_seen_at_sign_in, dispatch_uid="two_factor_last_seen")
