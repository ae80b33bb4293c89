"""The notices the application stage sends (registered at startup)."""

from datetime import timedelta

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from applications.outcomes import FINAL
from titles.notifications import notification_kind_register


def _link_lifetime() -> timedelta:
    """A recommender's personal link works this long (erased from the outbox after it)."""
    return timedelta(days=settings.RECOMMENDER_LINK_DAYS)


# An emailed recommender code works this long (the services set its expiry from it).
CODE_VALID_MINUTES = 15


def _code_lifetime() -> timedelta:
    return timedelta(minutes=CODE_VALID_MINUTES)


notification_kind_register(
    "recommender_invitation",
    subject=_("%(applicant)s asks for your recommendation for a senior professional title"),
    body=_(
        "Dear %(recommender)s,\n\n%(applicant)s has named you as a recommender for the assessment "
        "and recognition of a senior professional title of high-level, urgently needed and "
        "specially skilled talent in Beijing.\n\nOpen your personal link to confirm your identity "
        "and give your recommendation (it is valid for %(days)s days and only for this "
        "application):\n%(url)s"
    ),
    erase_after=_link_lifetime,
)
notification_kind_register(
    "recommender_reminder",
    subject=_("Reminder: %(applicant)s is waiting for your recommendation"),
    body=_(
        "Dear %(recommender)s,\n\n%(applicant)s is still waiting for your recommendation. Your "
        "personal link (valid for %(days)s days):\n%(url)s"
    ),
    erase_after=_link_lifetime,
)
notification_kind_register(
    "recommender_code",
    subject=_("Your confirmation code"),
    body=_(
        "Your confirmation code is: %(code)s\n\nIt is valid for %(minutes)s minutes. If you did "
        "not ask for it, ignore this message."
    ),
    erase_after=_code_lifetime,
)
notification_kind_register(
    "recommendation_received",
    subject=_("%(recommender)s has sent their recommendation"),
    body=_("%(recommender)s has sent their recommendation for your application."),
)
notification_kind_register(
    "recommendation_declined",
    subject=_("%(recommender)s has declined to recommend you"),
    body=_(
        "%(recommender)s has declined your invitation to recommend you. Their reason: "
        "%(reason)s\n\nName another recommender in the recommenders step of your application."
    ),
)
notification_kind_register(
    "application_submitted",
    subject=_("New application to review: %(applicant)s (%(reference)s)"),
    body=_("%(applicant)s has submitted application %(reference)s. Please review it."),
)
notification_kind_register(
    "application_resubmitted",
    subject=_("Application submitted again: %(applicant)s (%(reference)s)"),
    body=_("%(applicant)s has corrected and submitted application %(reference)s again."),
)
notification_kind_register(
    "application_returned",
    subject=_("Your application %(reference)s was returned for changes"),
    body=_(
        "Your employer returned application %(reference)s for changes. The reasons:\n\n"
        "%(reason)s\n\nCorrect the application and submit it again."
    ),
)
notification_kind_register(
    "application_withdrawn",
    subject=_("Application withdrawn: %(applicant)s (%(reference)s)"),
    body=_("%(applicant)s has withdrawn application %(reference)s."),
)
notification_kind_register(
    "application_declined",
    subject=_("Your application %(reference)s was declined"),
    body=format_lazy(
        "{}\n\n{}",
        _("Your application %(reference)s was declined. The reason:\n\n%(reason)s"),
        FINAL,
    ),
)
notification_kind_register(
    "internal_notice_opened",
    subject=_("The internal notice of your application %(reference)s has started"),
    body=_(
        "Your organization has published the internal notice of application %(reference)s. "
        "It runs until the end of %(end)s."
    ),
)
notification_kind_register(
    "internal_objection_raised",
    subject=_("An objection was raised against application %(reference)s"),
    body=_(
        "An objection was raised during the internal notice of application %(reference)s. "
        "Decide it: while it is open the notice does not pass."
    ),
)
notification_kind_register(
    "internal_notice_passed",
    subject=_("The internal notice of %(reference)s has passed: recommendation due"),
    body=_(
        "The internal notice of application %(reference)s ended without an open objection. "
        "Write the organization's formal recommendation and send it to the evaluation agency."
    ),
)
notification_kind_register(
    "application_recommended",
    subject=_("Your application %(reference)s was recommended to the evaluation agency"),
    body=_(
        "Your organization has formally recommended application %(reference)s. The evaluation "
        "agency now reviews your eligibility."
    ),
)
notification_kind_register(
    "application_to_agency",
    subject=_("New application for eligibility review: %(applicant)s (%(reference)s)"),
    body=_(
        "Application %(reference)s of %(applicant)s was recommended and awaits eligibility review."
    ),
)
notification_kind_register(
    "eligibility_accepted",
    subject=_("Your application %(reference)s passed the eligibility review"),
    body=_(
        "The evaluation agency found application %(reference)s eligible. It now goes to the "
        "assessment panel."
    ),
)
notification_kind_register(
    "eligibility_rejected",
    subject=_("Application %(reference)s was found ineligible"),
    body=format_lazy(
        "{}\n\n{}",
        _(
            "The evaluation agency found application %(reference)s ineligible. "
            "The reasons:\n\n%(reason)s"
        ),
        FINAL,
    ),
)
notification_kind_register(
    "supplement_requested",
    subject=_("Supplement or correct your application %(reference)s by %(due)s"),
    body=_(
        "The evaluation agency asks you, once, to supplement or correct application %(reference)s. "
        "The request lists every item. Answer by %(due)s; without an answer by then the "
        "application is deemed withdrawn."
    ),
)
notification_kind_register(
    "supplement_answered",
    subject=_("Supplement received: %(applicant)s (%(reference)s)"),
    body=_("%(applicant)s has answered the supplement request of application %(reference)s."),
)
notification_kind_register(
    "supplement_deemed_withdrawn",
    subject=_("Application %(reference)s is deemed withdrawn"),
    body=_(
        "The supplement request of application %(reference)s was not answered by its deadline. "
        "The application is deemed withdrawn."
    ),
)
notification_kind_register(
    "eligibility_overdue",
    subject=_("Eligibility review overdue: %(reference)s"),
    body=_(
        "The stipulated review time of application %(reference)s has passed. Please decide on it."
    ),
)
