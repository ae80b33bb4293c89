"""Reads for the assessment panel (stage 3a)."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from applications.enums import ApplicationState
from applications.models import Application
from review.enums import ACTIVE_ASSIGNMENT_STATUSES, Dimension, Recommendation
from review.models import Assignment, Opinion

PERMISSION_CODENAME = "assess_application"


@dataclass(frozen=True)
class DimensionSummary:
    label: str
    average: float
    lowest: int
    highest: int


@dataclass(frozen=True)
class PanelSummary:
    """What the committee sees of the panel's work on one application."""

    dimensions: list[DimensionSummary] = field(default_factory=list)
    supporters: int = 0
    opponents: int = 0
    opinions: list = field(default_factory=list)  # submitted Opinion rows, with their expert

    @property
    def experts(self) -> int:
        return len(self.opinions)


def applications_assessed_by(user) -> QuerySet[Application] | None:
    """The applications the user holds the assessing permission on (assigned, not released)."""
    if not user.is_authenticated:
        return None
    return Application.objects.filter(
        applicationuserobjectpermission__user=user,
        applicationuserobjectpermission__permission__codename=PERMISSION_CODENAME,
    )


def applications_in_panel_for_staff(user) -> QuerySet[Application] | None:
    """Agency and bureau staff open the applications in the panel and committee stages."""
    from review.permissions import is_panel_staff

    if not is_panel_staff(user):
        return None
    return Application.objects.filter(
        state__in=[ApplicationState.PANEL_REVIEW, ApplicationState.COMMITTEE_REVIEW]
    )


def submitted_opinions(application) -> list[Opinion]:
    """The submitted opinions of the experts whose assignment stands, in assignment order."""
    return list(
        Opinion.objects.filter(
            assignment__application=application,
            assignment__status__in=ACTIVE_ASSIGNMENT_STATUSES,
            submitted_at__isnull=False,
        )
        .select_related("assignment__expert")
        .order_by("assignment__assigned_at", "assignment_id")
    )


def panel_summary(*, application) -> PanelSummary | None:
    """The panel's summary once the panel review is complete; ``None`` before that."""
    if application.state not in PANEL_DONE_STATES:
        return None
    opinions = submitted_opinions(application)
    if not opinions:
        return None
    dimensions = []
    for dimension in Dimension:
        scores = [opinion.score(dimension.value) for opinion in opinions]
        dimensions.append(
            DimensionSummary(
                label=dimension.label,
                average=round(sum(scores) / len(scores), 1),
                lowest=min(scores),
                highest=max(scores),
            )
        )
    supporters = sum(1 for o in opinions if o.recommendation == Recommendation.SUPPORT)
    return PanelSummary(
        dimensions=dimensions,
        supporters=supporters,
        opponents=len(opinions) - supporters,
        opinions=opinions,
    )


PANEL_DONE_STATES = {
    ApplicationState.COMMITTEE_REVIEW,
    ApplicationState.BUREAU_REVIEW,
    ApplicationState.NOT_APPROVED,
    ApplicationState.PUBLIC_NOTICE,
    ApplicationState.CERTIFYING,
    ApplicationState.CERTIFIED,
    ApplicationState.REVOKED,
}


def expert_queue(user) -> QuerySet[Assignment]:
    """The expert's standing assignments, the ones still to write first, then by due date."""
    return (
        Assignment.objects.filter(expert=user, status__in=ACTIVE_ASSIGNMENT_STATUSES)
        .select_related(
            "application__applicant",
            "application__discipline",
            "application__title_series",
            "application__employer",
            "application__recommending_body",
            "opinion",
        )
        .order_by("opinion__submitted_at", "due_at", "pk")
    )


def assignment_for_expert(user, pk: int) -> Assignment | None:
    """The user's own standing assignment, or None (a 404 for anyone else)."""
    return (
        Assignment.objects.filter(pk=pk, expert=user, status__in=ACTIVE_ASSIGNMENT_STATUSES)
        .select_related("application__applicant", "application__employer", "opinion")
        .first()
    )


def panel_queue() -> QuerySet[Application]:
    """Applications in panel review with how many experts stand and how many have submitted."""
    active = Q(panel_assignments__status__in=ACTIVE_ASSIGNMENT_STATUSES)
    return (
        Application.objects.filter(state=ApplicationState.PANEL_REVIEW)
        .select_related("applicant", "discipline", "title_series", "employer", "recommending_body")
        .annotate(
            experts_assigned=Count("panel_assignments", filter=active),
            opinions_submitted=Count(
                "panel_assignments",
                filter=active & Q(panel_assignments__opinion__submitted_at__isnull=False),
            ),
        )
        .order_by("updated_at", "pk")
    )


def assignments_of(application) -> list[Assignment]:
    return list(
        Assignment.objects.filter(application=application)
        .select_related("expert", "assigned_by", "opinion")
        .order_by("assigned_at", "pk")
    )
