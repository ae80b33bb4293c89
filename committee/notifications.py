from django.utils.translation import gettext_lazy as _

from titles.notifications import notification_kind_register

notification_kind_register(
    "committee_approved",
    subject=_("Application %(reference)s: approved by the committee"),
    body=_(
        "The evaluation and certification committee approved application %(reference)s of "
        "%(applicant)s. It now goes to the bureau's post-assessment review."
    ),
    text=_("The committee approved application %(reference)s."),
)
notification_kind_register(
    "committee_not_approved",
    subject=_("Application %(reference)s: not approved by the committee"),
    body=_(
        "The evaluation and certification committee did not approve application %(reference)s "
        "of %(applicant)s."
    ),
    text=_("The committee did not approve application %(reference)s."),
)
