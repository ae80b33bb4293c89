"""The certificate's section of the application page the portal composes."""

from applications.enums import ApplicationState
from certificates import permissions, selectors
from certificates.forms import RevokeForm
from titles.db import one_to_one_or_none
from titles.pages import Section

# The one-to-one row the section reads, loaded with the application in the page's first query.
SELECT_RELATED = ("certificate",)
VERIFICATIONS_SHOWN = 20


def certificate_section(request, application) -> Section | None:
    """Download and verifications for the holder and bureau staff, revocation for bureau staff;
    None for anyone else, and before there is a certificate to issue."""
    user = request.user
    staff = permissions.can_issue(user)
    if application.applicant_id != user.pk and not staff:
        return None
    certificate = one_to_one_or_none(application, "certificate")
    if certificate is None and application.state != ApplicationState.CERTIFYING:
        return None
    # The latest ones only: a certificate may be verified thousands of times (one more row
    # read tells whether there are more).
    verifications = (
        list(selectors.verifications_of(certificate)[: VERIFICATIONS_SHOWN + 1])
        if certificate
        else []
    )
    return Section(
        "certificates/_detail_section.html",
        {
            "application": application,
            "certificate": certificate,
            "verifications": verifications[:VERIFICATIONS_SHOWN],
            "more_verifications": len(verifications) > VERIFICATIONS_SHOWN,
            "verifications_shown": VERIFICATIONS_SHOWN,
            "staff": staff,
            "revoke_form": RevokeForm(initial={"version": application.version})
            if certificate and permissions.can_revoke(user, application)
            else None,
        },
    )
