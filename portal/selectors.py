"""Reads that span every stage: who may see an application (DOMAIN.md rule 10)."""

from django.db.models import Exists, OuterRef, QuerySet

from applications.models import Application
from applications.selectors import application_with_details, visible_in_application_stages
from bureau import sections as bureau_sections
from bureau.selectors import applications_visible_to_bureau
from certificates import sections as certificate_sections
from committee.selectors import applications_on_agenda_of
from review.selectors import applications_assessed_by, applications_in_panel_for_staff


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
    read. Raises ``Application.DoesNotExist`` otherwise."""
    return application_with_details(
        applications_visible_to(user),
        pk,
        select_related=(*bureau_sections.SELECT_RELATED, *certificate_sections.SELECT_RELATED),
    )
