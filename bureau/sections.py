"""The bureau's parts of the pages the portal composes: its section of the application page and
the bureau staff's dashboard panel."""

from django.db.models import Exists, OuterRef, prefetch_related_objects

from applications.enums import ApplicationState
from bureau import permissions, selectors
from bureau.forms import ObjectionDecisionForm, RejectForm, SpecialIssuanceForm
from bureau.models import PublicObjection, SpecialIssuance, SpecialIssuanceStatus
from titles.db import one_to_one_or_none
from titles.pages import Section

# The one-to-one rows the section reads, loaded with the application in the page's first query.
SELECT_RELATED = ("public_notice_entry__notice",)


def annotations() -> dict:
    """What the section asks of the application in the page's first query: whether its public
    notice entry drew objections (most draw none, and then reading them costs no query)."""
    return {
        "drew_objections": Exists(PublicObjection.objects.filter(entry__application=OuterRef("pk")))
    }


def _objections(application, entry) -> list:
    if entry is None or not getattr(application, "drew_objections", True):
        return []
    prefetch_related_objects([entry], selectors.OBJECTIONS_IN_ORDER)
    return list(entry.objections.all())


def bureau_section(request, application, *, committee_decision: dict | None) -> Section | None:
    """Decisions for bureau staff (with ``committee_decision``, the committee's result the page
    has read already), the public notice for the applicant; None for anyone else."""
    user = request.user
    staff = permissions.is_bureau_staff(user)
    if not staff and application.applicant_id != user.pk:
        return None
    entry = one_to_one_or_none(application, "public_notice_entry")
    objections = _objections(application, entry)
    if not staff:
        return (
            Section(
                "bureau/_detail_section.html",
                {"staff": False, "entry": entry, "objections": objections},
            )
            if entry
            else None
        )
    version = {"version": application.version}
    can_decide = permissions.can_decide(user, application)
    pending = (
        SpecialIssuance.objects.filter(
            application=application, status=SpecialIssuanceStatus.PENDING
        )
        .select_related("proposed_by")
        .first()
        if application.state == ApplicationState.BUREAU_REVIEW  # proposed only in bureau review
        else None
    )
    return Section(
        "bureau/_detail_section.html",
        {
            "staff": True,
            "application": application,
            "committee": committee_decision,
            "entry": entry,
            "objections": objections,
            "can_decide": can_decide,
            "can_decide_objection": permissions.can_decide_objection(user, application),
            "reject_form": RejectForm(initial=version) if can_decide else None,
            "issuance_form": SpecialIssuanceForm(initial=version)
            if can_decide and not pending
            else None,
            "pending": pending,
            "can_confirm": pending is not None
            and can_decide
            and permissions.can_confirm_special_issuance(user, pending),
            "decision_form": ObjectionDecisionForm(),
            "on_notice": application.state == ApplicationState.PUBLIC_NOTICE,
        },
    )


def bureau_panel(user) -> Section:
    """What awaits bureau staff: the queue, proposals to confirm, open public objections."""
    return Section(
        "bureau/_dashboard_panel.html",
        {
            "awaiting": selectors.bureau_queue().count(),
            "issuances": selectors.special_issuances_pending().exclude(proposed_by=user).count(),
            "objections": selectors.public_objections_open().count(),
        },
    )
