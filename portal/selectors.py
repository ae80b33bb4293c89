"""Reads that span every stage: who may see an application (DOMAIN.md rule 10)."""

from django.db.models import Exists, OuterRef, QuerySet

from applications.models import Application
from applications.parties import with_party_known
from applications.selectors import application_with_details, visible_in_application_stages
from bureau import sections as bureau_sections
from bureau.selectors import applications_visible_to_bureau
from certificates import sections as certificate_sections
from committee.selectors import applications_on_agenda_of
from review.selectors import applications_assessed_by, applications_in_panel_for_staff
from titles.audit import audit_events_for


def applications_visible_to(user) -> QuerySet[Application]:
    """Rule 10: every application this user may open, and no other.

    Applicants their own; employer reviewers their organizations' once submitted; agency staff
    what reached the agency (``applications``); panel experts what they are assigned, agency and
    bureau staff the panel and committee stages (``review``); committee members their meetings'
    agendas (``committee``); bureau staff everything from the bureau's review on (``bureau``).

    One WHERE of ORed conditions, no joins and no DISTINCT: the stages' conditions that need
    joins are correlated EXISTS, so looking up one application plans and runs in about a
    millisecond (ORing querysets joined every branch's tables into one DISTINCT query: 24 ms to
    plan).
    """
    if not user.is_authenticated:
        return Application.objects.none()
    visible = visible_in_application_stages(user)
    for later_stage in (
        applications_assessed_by(user),
        applications_in_panel_for_staff(user),
        applications_on_agenda_of(user),
        applications_visible_to_bureau(user),
    ):
        if later_stage is not None:
            visible |= Exists(later_stage.filter(pk=OuterRef("pk")))
    return Application.objects.filter(visible)


def application_for_page(user, pk: int) -> Application:
    """The application page's application, if ``user`` may see it: with its materials, versions
    and recommenders, and in the same first query the one-to-one rows the later stages' sections
    read and whether ``user`` is a party to it (rule 5, which several sections ask). Raises
    ``Application.DoesNotExist`` otherwise."""
    return application_with_details(
        with_party_known(applications_visible_to(user), user).annotate(
            **bureau_sections.annotations()
        ),
        pk,
        select_related=(*bureau_sections.SELECT_RELATED, *certificate_sections.SELECT_RELATED),
    )


def application_records(application: Application) -> tuple[list, list]:
    """The application's audit events, oldest first (its timeline), and its submitted form
    versions (rule 9), each read once for all of the page's sections."""
    return (
        list(audit_events_for(application)),
        list(application.form_versions.order_by("number")),
    )
