from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class TitlesConfig(AppConfig):
    name = "titles"
    verbose_name = _("Senior titles")

    def ready(self):
        from titles import (  # noqa: PLC0415 — app ready: registered once the models are loaded
            calendar,  # noqa: F401 - the calendar's audit labels
            checks,  # noqa: F401 - registers the production key checks
            deadlines,  # noqa: F401 - the deadlines' sweeper, notice kind and audit label
            notifications,  # noqa: F401 - registers the outbox sweeper and kinds
            signin_throttle,  # noqa: F401 - the sign-in code's kind and the throttle's sweeper
        )
        from titles.middleware_2fa import (  # noqa: PLC0415 — app ready: it imports the models
            last_seen_at_sign_in,
        )

        user_logged_in.connect(last_seen_at_sign_in, dispatch_uid="two_factor_last_seen")
