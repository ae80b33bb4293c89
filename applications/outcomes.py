"""Decisions against the applicant, with their reason and what the applicant can do next
(DOMAIN.md rule 13), shown at the top of the applicant's page.

Every such decision is a transition audited with its reason (``application_transition``); the
committee's "not approved" is told from its ballot instead, in the reader's language.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from titles.audit import audit_events_for, latest_event

RESUBMIT = _("What you can do: correct the application and submit it again.")
FINAL = _(
    "What you can do: this decision ends this application. If you believe it is wrong, you may "
    "ask the Beijing Municipal Bureau of Human Resources and Social Security to review it, "
    "quoting reference %(reference)s. You may also start a new application."
)
REVOKED = _(
    "What you can do: if you believe the revocation is wrong, you may ask the Beijing Municipal "
    "Bureau of Human Resources and Social Security to review it, quoting reference "
    "%(reference)s."
)

# The transitions that decide against the applicant: what the page calls each, what comes next.
DECISIONS_AGAINST: dict[str, tuple[Promise, Promise]] = {
    "application.return_to_applicant": (_("Your application was returned for changes"), RESUBMIT),
    "application.decline": (_("Your employer declined to recommend your application"), FINAL),
    "application.uphold_internal_objection": (
        _("An objection during the internal notice was upheld: your application is declined"),
        FINAL,
    ),
    "application.reject_ineligible": (
        _("The evaluation agency found your application ineligible"),
        FINAL,
    ),
    "application.committee_not_approve": (
        _("The evaluation and certification committee did not approve your application"),
        FINAL,
    ),
    "application.bureau_reject": (_("The bureau did not approve your application"), FINAL),
    "application.uphold_public_objection": (
        _("An objection during the public notice was upheld: your application is not approved"),
        FINAL,
    ),
    "application.revoke": (_("Your certificate was revoked"), REVOKED),
}


@dataclass(frozen=True)
class DecisionAgainst:
    title: str
    reason: str
    next_step: str


def decision_against(
    application: Application, *, events=None, committee_reason: str = ""
) -> DecisionAgainst | None:
    """The decision that brought the application into its current state, when it went against
    the applicant: its title, its reason and the next step, in the active language; else None.

    ``committee_reason`` is the committee's result in words (the ballot's numbers and the
    rule), which its audited reason does not give in the reader's language.
    """
    if events is None:
        events = audit_events_for(application).filter(action__in=DECISIONS_AGAINST)
    event = latest_event(events, actions=DECISIONS_AGAINST, to_state=application.state)
    if event is None:
        return None
    title, next_step = DECISIONS_AGAINST[event.action]
    reason = event.reason
    if event.action == "application.committee_not_approve":
        reason = committee_reason or reason
    return DecisionAgainst(
        title=str(title),
        reason=reason,
        next_step=str(next_step) % {"reference": application.reference},
    )
