"""The notices the bureau stage sends (registered at startup)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from applications.outcomes import FINAL
from titles.notifications import notification_kind_register

notification_kind_register(
    "public_notice_published",
    subject=_("The public notice of your application %(reference)s has started"),
    body=_(
        "The bureau has published application %(reference)s in a public notice. "
        "It runs until the end of %(end)s."
    ),
)
notification_kind_register(
    "public_notice_passed",
    subject=_("The public notice of your application %(reference)s has passed"),
    body=_(
        "The public notice of application %(reference)s ended without an open objection. "
        "Your certificate is being issued."
    ),
)
notification_kind_register(
    "issued_without_notice",
    subject=_("Your application %(reference)s goes to certificate issuance"),
    body=_(
        "The bureau decided to issue the certificate of application %(reference)s without a "
        "public notice. Your certificate is being issued."
    ),
)
notification_kind_register(
    "bureau_rejected",
    subject=_("Your application %(reference)s was not approved by the bureau"),
    body=format_lazy(
        "{}\n\n{}",
        _(
            "After its post-assessment review the bureau did not approve application "
            "%(reference)s. The reason:\n\n%(reason)s"
        ),
        FINAL,
    ),
)
notification_kind_register(
    "public_objection_upheld",
    subject=_("Your application %(reference)s was not approved after an objection"),
    body=format_lazy(
        "{}\n\n{}",
        _(
            "An objection raised during the public notice of application %(reference)s was "
            "upheld. The application is not approved. The reason:\n\n%(reason)s"
        ),
        FINAL,
    ),
)
notification_kind_register(
    "public_objection_raised",
    subject=_("A public objection was raised against %(reference)s"),
    body=_(
        "Objection %(objection)s was raised during the public notice of application "
        "%(reference)s. Decide it: while it is open this applicant's notice does not pass."
    ),
)
notification_kind_register(
    "special_issuance_proposed",
    subject=_("Confirmation needed: issuance of %(reference)s without a public notice"),
    body=_(
        "%(proposer)s proposes to issue the certificate of application %(reference)s without a "
        "public notice. The reason:\n\n%(reason)s\n\nA second bureau staff member must confirm."
    ),
)
