"""The notices the panel stage sends (registered at startup)."""

from django.utils.translation import gettext_lazy as _

from titles.notifications import notification_kind_register

notification_kind_register(
    "panel_assigned",
    subject=_("Please assess application %(reference)s"),
    body=_(
        "You have been assigned as a panel expert to assess application %(reference)s of "
        "%(applicant)s. First confirm that you have no conflict of interest, or declare one. "
        "Your opinion is due by %(due)s."
    ),
)
notification_kind_register(
    "panel_released",
    subject=_("You no longer assess application %(reference)s"),
    body=_("Staff have assigned another expert to application %(reference)s in your place."),
)
notification_kind_register(
    "panel_conflict_declared",
    subject=_("Conflict declared on %(reference)s: assign another expert"),
    body=_(
        "%(expert)s declared a conflict of interest with application %(reference)s of "
        "%(applicant)s and was released. Please assign another expert."
    ),
)
notification_kind_register(
    "panel_opinion_overdue",
    subject=_("Your opinion on %(reference)s is overdue"),
    body=_(
        "Your review opinion on application %(reference)s is past its due date. Please submit it."
    ),
)
notification_kind_register(
    "panel_expert_late",
    subject=_("An expert is late on %(reference)s"),
    body=_(
        "%(expert)s has not submitted the opinion on application %(reference)s by its due date. "
        "You may replace the expert."
    ),
)
notification_kind_register(
    "panel_completed",
    subject=_("Panel review complete: %(reference)s goes to the committee"),
    body=_(
        "All %(experts)s assigned experts have submitted their opinions on application "
        "%(reference)s of %(applicant)s. It now awaits the committee."
    ),
)
notification_kind_register(
    "panel_completed_applicant",
    subject=_("Your application %(reference)s goes to the committee"),
    body=_(
        "The assessment panel has finished its review of application %(reference)s. It now "
        "awaits the Evaluation and Certification Committee."
    ),
)
