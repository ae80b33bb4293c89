"""Reads for the assessment panel (stage 3a)."""

from dataclasses import dataclass, field

from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Subquery

from applications.enums import COMMITTEE_REACHED_STATES, ApplicationState
from applications.models import Application
from review.enums import ACTIVE_ASSIGNMENT_STATUSES, Dimension, Recommendation
from review.models import Assignment, Opinion
from review.permissions import is_panel_staff

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


def panel_summary(*, application, assignments=None) -> PanelSummary | None:
    """The panel's summary once the panel review is complete; ``None`` before that.

    ``assignments``: the application's assignments already read (``assignments_of``), to take
    the opinions from instead of another query.
    """
    if application.state not in PANEL_DONE_STATES:
        return None
    if assignments is None:
        opinions = submitted_opinions(application)
    else:
        opinions = [
            assignment.opinion
            for assignment in assignments
            if assignment.status in ACTIVE_ASSIGNMENT_STATUSES
            and _submitted_opinion(assignment) is not None
        ]
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


# The panel review is done exactly when the committee's stage is reached.
PANEL_DONE_STATES = set(COMMITTEE_REACHED_STATES)


class ExpertQueue:
    """The expert's standing assignments: those still to write first, then the submitted ones,
    each part by due date; sliced like a queryset, for a ``Paginator``.

    One ordered list over two parts, so that a page costs an index scan of its own rows
    (``assignment_expert_due_idx``) rather than sorting every assignment the expert
    ever had (they stay standing after the panel completes, so the list only grows). A page that
    starts past the last one to write counts them (one more query), to know where the
    submitted part starts.
    """

    ordered = True  # for Paginator: no warning about an unordered list

    def __init__(self, user):
        standing = (
            Assignment.objects.filter(expert=user, status__in=ACTIVE_ASSIGNMENT_STATUSES)
            .select_related("application__applicant", "application__discipline", "opinion")
            .order_by("due_at", "pk")
        )
        submitted = Exists(
            Opinion.objects.filter(assignment=OuterRef("pk"), submitted_at__isnull=False)
        )
        self._all = standing
        self._to_write = standing.filter(~submitted)
        self._submitted = standing.filter(submitted)

    def count(self) -> int:
        return self._all.count()

    def __getitem__(self, key: slice) -> list[Assignment]:
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("ExpertQueue takes slices only")
        start, stop = key.start or 0, key.stop
        if stop is None:
            stop = self.count()
        if stop <= start:
            return []
        rows = list(self._to_write[start:stop])
        if len(rows) == stop - start:
            return rows
        # The part still to write ends on this page: the submitted part starts after it.
        to_write = start + len(rows) if rows else self._to_write.count()
        return rows + list(self._submitted[max(start - to_write, 0) : stop - to_write])


# The audit events of an application that name a panel expert (as actor or in the reason).
EXPERT_IDENTITY_ACTIONS = frozenset(
    {
        "panel.assign",
        "panel.replace",
        "panel.confirm_no_conflict",
        "panel.declare_conflict",
        "panel.opinion_submit",
        "panel.end_on_withdrawal",
        "application.complete_panel_review",
    }
)


def expert_identity_actions_withheld_from(user) -> frozenset[str]:
    """Rule 10: panel experts' identities are for staff. For anyone else (the applicant above
    all) the timeline withholds the actor and reason of the events that would name them."""
    return frozenset() if is_panel_staff(user) else EXPERT_IDENTITY_ACTIONS


def expert_queue(user) -> ExpertQueue:
    """The expert's standing assignments, the ones still to write first, then by due date."""
    return ExpertQueue(user)


def expert_assignments(user, *, submitted: bool) -> QuerySet[Assignment]:
    """The expert's standing assignments still to write (or, ``submitted``, written), by due
    date, with what a list and its export show (issue #23)."""
    queue = ExpertQueue(user)
    part = queue._submitted if submitted else queue._to_write
    return part.select_related(
        "application__employer",
        "application__recommending_body",
        "application__title_series",
        "application__round",
    )


def assignment_for_expert(user, pk: int) -> Assignment | None:
    """The user's own standing assignment, or None (a 404 for anyone else)."""
    return (
        Assignment.objects.filter(pk=pk, expert=user, status__in=ACTIVE_ASSIGNMENT_STATUSES)
        .select_related("application__applicant", "application__employer", "opinion")
        .first()
    )


class _Count(Subquery):
    """``(SELECT COUNT(*) FROM (subquery))``: a correlated count, worked out per row shown."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _counted)"
    output_field = IntegerField()


def panel_queue(states=(ApplicationState.PANEL_REVIEW,)) -> QuerySet[Application]:
    """Applications in panel review with how many experts stand and how many have submitted.

    The counts are correlated subqueries, so only the page's rows are counted: the rows come in
    order from the ``(state, updated_at, id)`` index, and the page's count query leaves the
    unused annotations out (it was a GROUP BY over every assignment of every application in
    panel review before the page was taken).
    """
    standing = (
        Assignment.objects.filter(application=OuterRef("pk"), status__in=ACTIVE_ASSIGNMENT_STATUSES)
        .order_by()
        .values("pk")
    )
    return (
        Application.objects.filter(state__in=states)
        .select_related(
            "applicant", "discipline", "employer", "recommending_body", "title_series", "round"
        )
        .annotate(
            experts_assigned=_Count(standing),
            opinions_submitted=_Count(standing.filter(opinion__submitted_at__isnull=False)),
        )
        .order_by("updated_at", "pk")
    )


def _submitted_opinion(assignment) -> Opinion | None:
    try:
        opinion = assignment.opinion
    except Opinion.DoesNotExist:
        return None
    return opinion if opinion.submitted_at is not None else None


def assignments_of(application) -> list[Assignment]:
    return list(
        Assignment.objects.filter(application=application)
        .select_related("expert", "assigned_by", "opinion")
        .order_by("assigned_at", "pk")
    )
