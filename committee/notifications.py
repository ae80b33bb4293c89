from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from applications.outcomes import FINAL
from titles.notifications import notification_kind_register

notification_kind_register(
    "committee_meeting_scheduled",
    subject=_("Committee meeting on %(when)s"),
    body=_(
        "A meeting of %(committee)s is scheduled for %(when)s (%(place)s). The agenda is on the "
        "meeting's page."
    ),
    text=_("A meeting of %(committee)s is scheduled for %(when)s."),
)
notification_kind_register(
    "committee_ballot_opened",
    subject=_("The ballot on application %(reference)s is open"),
    body=_("The secret ballot on application %(reference)s is open: cast your vote on its page."),
    text=_("The ballot on application %(reference)s is open: cast your vote."),
)
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
    body=format_lazy(
        "{}\n\n{}",
        _(
            "The evaluation and certification committee did not approve application "
            "%(reference)s of %(applicant)s. The reason: %(consent)s of the %(present)s members "
            "present voted in favour; approval needs more than two thirds of the members present "
            "in favour (3 × %(consent)s = %(left)s is not more than 2 × %(present)s = "
            "%(right)s)."
        ),
        FINAL,
    ),
    text=_("The committee did not approve application %(reference)s."),
)
