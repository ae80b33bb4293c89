"""Applications in panel review, panel experts, and assignments ready to write on."""

from applications.models import Application
from review import services
from review.enums import Dimension, Recommendation
from review.models import Assignment
from tests.applications.factories import complete_application
from tests.factories import person_with_role
from titles.enums import Role


def in_panel_review(**kwargs) -> Application:
    return complete_application(panel_review=True, **kwargs)


def staff():
    from tests.applications.factories import organization
    from titles.enums import OrganizationKind

    return person_with_role(Role.AGENCY_STAFF, organization(OrganizationKind.EVALUATION_AGENCY))


def expert(**fields):
    return person_with_role(Role.PANEL_EXPERT, **fields)


def assigned(application: Application, *, by=None, confirmed: bool = True, who=None) -> Assignment:
    assignment = services.assignment_create(
        application=application, expert=who or expert(), actor=by or staff()
    )
    if confirmed:
        assignment = services.assignment_confirm(assignment=assignment, actor=assignment.expert)
    return Assignment.objects.get(pk=assignment.pk)


def complete_values(**changes) -> dict:
    values = {}
    for index, dimension in enumerate(Dimension):
        values[f"score_{dimension.value}"] = 7 + index % 3
        values[f"justification_{dimension.value}"] = f"{dimension.label}：论据充分。"
    values["recommendation"] = Recommendation.SUPPORT
    values["summary"] = "同意推荐。"
    values.update(changes)
    return values
