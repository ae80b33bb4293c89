"""The notices the certificates stage sends (registered at startup)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from applications.outcomes import REVOKED
from titles.notifications import notification_kind_register

notification_kind_register(
    "certificate_issued",
    subject=_("Your certificate %(number)s has been issued"),
    body=_(
        "The certificate of application %(reference)s has been issued with number %(number)s. "
        "Download it from the application's page; anyone can verify it on the public "
        "verification page."
    ),
)
notification_kind_register(
    "certificate_revoked",
    subject=_("Your certificate %(number)s has been revoked"),
    body=format_lazy(
        "{}\n\n{}",
        _(
            "The bureau revoked certificate %(number)s of application %(reference)s. "
            "The reason:\n\n%(reason)s"
        ),
        REVOKED,
    ),
)
