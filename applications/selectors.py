"""Reads: what a user may see, what is missing, and what happens next."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.enums import (
    EXPERTS_REQUIRED,
    HEAD_KIND_FOR_CATEGORY,
    REQUIRED_SLOTS,
    ApplicationState,
    Category,
    MaterialSlot,
    RecommenderKind,
    RecommenderStatus,
)
from applications.models import (
    Application,
    InternalNotice,
    Material,
    MaterialVersion,
    Recommender,
)
from titles import workdays
from titles.enums import Role
from titles.people import has_role

S = ApplicationState
AGENCY_QUEUE_STATES = [S.ELIGIBILITY_REVIEW, S.SUPPLEMENT_REQUESTED]


def applications_of_applicant(user) -> QuerySet[Application]:
    return Application.objects.filter(applicant=user).select_related(
        "employer",
        "recommending_body",
        "title_series",
        "discipline",
        "internal_notice",
        "supplement_request",
    )


# What the applicant's dashboard shows of each application (``application_next_step`` reads the
# notice's and the supplement request's deadlines): the organizations, series and discipline
# joined in as well made its one query take 3 ms to plan.
DASHBOARD_FIELDS = (
    "state",
    "created_at",
    "eligibility_due_at",
    "internal_notice__ends_at",
    "internal_notice__provisional",
    "supplement_request__due_at",
    "supplement_request__provisional",
)


def applicant_dashboard_applications(user) -> QuerySet[Application]:
    """The applicant's applications, newest first, with only what their dashboard shows."""
    return (
        Application.objects.filter(applicant=user)
        .select_related("internal_notice", "supplement_request")
        .only(*DASHBOARD_FIELDS)
        .order_by("-created_at", "-pk")
    )


_visibility_branches: list[Callable] = []


def visibility_register(branch: Callable) -> Callable:
    """Register ``branch(user) -> QuerySet[Application] | None``: more applications a role sees.

    The later stages' apps (panel experts, committee members, bureau staff) register theirs in
    their ``AppConfig.ready``; ``None`` means the branch adds nothing for this user.
    """
    _visibility_branches.append(branch)
    return branch


def applications_visible_to(user) -> QuerySet[Application]:
    """Every application this user may open: their own, and their organization's once submitted.

    Agency staff see what reached the agency; the branches registered with
    :func:`visibility_register` add what experts, committee members and bureau staff see.
    """
    if not user.is_authenticated:
        return Application.objects.none()
    from titles.people import organizations_reviewable_by

    organizations = organizations_reviewable_by(user).values("pk")
    # One WHERE of ORed conditions, no joins and no DISTINCT: the branches that need joins are
    # correlated EXISTS, so looking up one application plans and runs in about a millisecond
    # (ORing querysets joined every branch's tables into one DISTINCT query: 24 ms to plan).
    visible = (
        Q(applicant=user)
        | (~Q(state=S.DRAFT) & Q(is_freelancer=False, employer__in=organizations))
        | (~Q(state=S.DRAFT) & Q(is_freelancer=True, recommending_body__in=organizations))
    )
    if has_role(user, Role.AGENCY_STAFF):
        visible |= Q(recommended_at__isnull=False) | Q(state__in=AGENCY_QUEUE_STATES)
    for branch in _visibility_branches:
        more = branch(user)
        if more is not None:
            visible |= Exists(more.filter(pk=OuterRef("pk")))
    return Application.objects.filter(visible)


class QueuePaginator(Paginator):
    """A paginator that joins a page's relations for the page's rows only.

    First the page's ids, from the queue's filters and order without the joins
    ``select_related`` adds; then the rows and their relations for those ids (``id IN (…)``,
    in the queue's order). One query more than a plain page, but PostgreSQL no longer joins
    every row of the queue before sorting it and taking the page, and with the ids written out
    it knows how few rows to join (as a subquery it misjudged them and joined everything).
    """

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queue = self.object_list
        ids = list(
            queue.select_related(None)
            .prefetch_related(None)
            .values_list("pk", flat=True)[bottom:top]
        )
        rows = queue.filter(pk__in=ids) if ids else []
        return self._get_page(list(rows), number, self)


def agency_queue(
    *,
    category: str = "",
    discipline_id: int | None = None,
    organization_id: int | None = None,
    overdue_only: bool = False,
    now: datetime,
) -> QuerySet[Application]:
    """Applications awaiting the agency, earliest due first, in a fixed number of queries."""
    queryset = (
        Application.objects.filter(state__in=AGENCY_QUEUE_STATES)
        .select_related(
            "applicant", "employer", "recommending_body", "discipline", "supplement_request"
        )
        .order_by("eligibility_due_at", "pk")
    )
    if category:
        queryset = queryset.filter(category=category)
    if discipline_id:
        queryset = queryset.filter(discipline_id=discipline_id)
    if organization_id:
        queryset = queryset.filter(
            Q(employer_id=organization_id) | Q(recommending_body_id=organization_id)
        )
    if overdue_only:
        queryset = queryset.filter(state=S.ELIGIBILITY_REVIEW, eligibility_due_at__lt=now)
    return queryset


def employer_queue(user, *, states, query: str = "") -> QuerySet[Application]:
    """The reviewer's organizations' applications in ``states``, oldest submission first.

    The organizations are read first (one small query), so that the planner sees how few they
    are: with their ids in the query, the ``(state, employer)`` and ``(state, recommending_body)``
    indexes find the rows (a BitmapOr). With the organizations as a subquery the planner
    expected most of them and read every application in the queue's states. Only the relations
    the page shows are joined.
    """
    from titles.people import organizations_reviewable_by

    organizations = list(organizations_reviewable_by(user).values_list("pk", flat=True))
    if not organizations:
        return Application.objects.none()
    queryset = (
        Application.objects.filter(state__in=states)
        .filter(
            Q(is_freelancer=False, employer_id__in=organizations)
            | Q(is_freelancer=True, recommending_body_id__in=organizations)
        )
        .select_related("applicant", "discipline", "internal_notice")
        .order_by("submitted_at", "pk")
    )
    if query:
        queryset = queryset.filter(applicant__real_name__icontains=query)
    return queryset


def internal_notices_visible_to(user) -> QuerySet[InternalNotice]:
    """Notices of the organizations the user belongs to (members read them and may object)."""
    if not user.is_authenticated:
        return InternalNotice.objects.none()
    from titles.people import organizations_of_member

    return InternalNotice.objects.filter(
        organization__in=organizations_of_member(user).values("pk")
    ).select_related("application", "application__applicant", "organization")


def material_versions_visible_to(user) -> QuerySet[MaterialVersion]:
    return MaterialVersion.objects.filter(
        material__application__in=applications_visible_to(user).values("pk")
    )


def application_with_details(
    queryset: QuerySet[Application], pk: int, *, select_related=()
) -> Application:
    """One application with materials, versions and recommenders in a fixed number of queries
    (and the one-to-one relations named in ``select_related``, in the same first query)."""
    return (
        queryset.select_related(
            "applicant",
            "employer",
            "recommending_body",
            "title_series",
            "discipline",
            "internal_notice",
            "supplement_request",
            *select_related,
        )
        .prefetch_related(
            Prefetch(
                "materials",
                queryset=Material.objects.prefetch_related(
                    Prefetch("versions", queryset=MaterialVersion.objects.order_by("number"))
                ),
            ),
            Prefetch("recommenders", queryset=Recommender.objects.order_by("kind", "id")),
        )
        .get(pk=pk)
    )


def one_to_one_or_none(instance, name: str):
    """``instance.<name>`` for a reverse one-to-one relation, or ``None`` when there is none
    (no query when ``select_related`` loaded it)."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


def active_recommenders(application: Application) -> list[Recommender]:
    return [r for r in application.recommenders.all() if r.status != RecommenderStatus.REPLACED]


def application_missing_items(application: Application) -> list[Promise | str]:
    """Exactly what is still missing before this application can be submitted, in order."""
    missing: list = []
    if not application.category:
        missing.append(_("Choose your category."))
    if application.is_freelancer:
        if not application.recommending_body_id:
            missing.append(
                _(
                    "Choose the association, learned society or district HR bureau "
                    "that recommends you."
                )
            )
        if not application.district:
            missing.append(_("Enter your district of residence."))
    elif not application.employer_id:
        missing.append(_("Choose your employer."))
    applicant = application.applicant
    if not applicant.real_name:
        missing.append(_("Enter your real name."))
    if not applicant.phone:
        missing.append(_("Enter your phone number."))
    if not getattr(applicant, "id_number_hash", ""):
        missing.append(_("Enter your resident ID number."))
    if not application.title_series_id:
        missing.append(_("Choose the title series."))
    if not application.discipline_id:
        missing.append(_("Choose the discipline."))
    if not application.level:
        missing.append(_("Choose the level sought."))
    for field in (
        "academic_proficiency",
        "professional_competence",
        "work_achievements",
        "performance_contributions",
    ):
        if not getattr(application, field).strip():
            label = Application._meta.get_field(field).verbose_name
            missing.append(_("Describe your %(dimension)s.") % {"dimension": label})
    if application.category:
        have = {
            material.slot
            for material in application.materials.all()
            if any(True for _version in material.versions.all())
        }
        for slot in REQUIRED_SLOTS[Category(application.category)]:
            if slot not in have:
                missing.append(_("Upload: %(slot)s.") % {"slot": MaterialSlot(slot).label})
    recommenders = active_recommenders(application)
    experts = [r for r in recommenders if r.kind == RecommenderKind.EXPERT]
    heads = [r for r in recommenders if r.kind == RecommenderKind.HEAD]
    if len(experts) < EXPERTS_REQUIRED:
        missing.append(
            _("Name %(count)s more expert recommender(s).")
            % {"count": EXPERTS_REQUIRED - len(experts)}
        )
    waiting = [r for r in experts if r.status != RecommenderStatus.RESPONDED]
    if waiting:
        missing.append(
            _("Waiting for the recommendation of: %(names)s.")
            % {"names": "、".join(r.name for r in waiting)}
        )
    for expert in experts:
        if expert.status == RecommenderStatus.RESPONDED and not expert.senior_title:
            missing.append(_("%(name)s has not recorded a senior title.") % {"name": expert.name})
    if not heads:
        missing.append(_("Name your head recommender."))
    else:
        head = heads[0]
        if (
            application.category
            and head.head_kind != HEAD_KIND_FOR_CATEGORY[Category(application.category)]
        ):
            missing.append(_("Your head recommender does not fit your category: replace them."))
        if head.status != RecommenderStatus.RESPONDED:
            missing.append(
                _("Waiting for the recommendation of: %(names)s.") % {"names": head.name}
            )
    return missing


@dataclass(frozen=True)
class NextStep:
    text: Promise | str
    who: Promise | str
    due_at: datetime | None = None
    provisional: bool = False  # the due date lies in a year whose holidays are not official yet


NEXT_STEPS: dict[str, NextStep] = {
    S.DRAFT: NextStep(_("Complete the form and submit it."), _("You")),
    S.EMPLOYER_REVIEW: NextStep(_("Your employer reviews the application."), _("Your employer")),
    S.RETURNED: NextStep(_("Make the requested changes and submit again."), _("You")),
    S.INTERNAL_NOTICE: NextStep(
        _("The internal notice is running; then your employer recommends you."), _("Your employer")
    ),
    S.NOTICE_PASSED: NextStep(
        _("Your employer sends the formal recommendation."), _("Your employer")
    ),
    S.ELIGIBILITY_REVIEW: NextStep(
        _("The evaluation agency checks your eligibility."), _("The evaluation agency")
    ),
    S.SUPPLEMENT_REQUESTED: NextStep(
        _("Answer the supplement request before its deadline."), _("You")
    ),
    S.PANEL_REVIEW: NextStep(_("The assessment panel writes its opinions."), _("The panel")),
    S.COMMITTEE_REVIEW: NextStep(_("The committee votes by secret ballot."), _("The committee")),
    S.BUREAU_REVIEW: NextStep(_("The bureau reviews the result."), _("The bureau")),
    S.PUBLIC_NOTICE: NextStep(_("The public notice is running."), _("The bureau")),
    S.CERTIFYING: NextStep(_("Your certificate is being issued."), _("The bureau")),
    S.CERTIFIED: NextStep(_("Your certificate is ready to download."), _("You")),
}


def application_next_step(application: Application) -> NextStep | None:
    """What happens next, who acts, and by when (for the states that have a deadline)."""
    step = NEXT_STEPS.get(application.state)
    if step is None:
        return None
    if application.state == S.INTERNAL_NOTICE:
        notice = getattr(application, "internal_notice", None)
        if notice is not None:
            return replace(step, due_at=notice.ends_at, provisional=notice.provisional)
    if application.state == S.SUPPLEMENT_REQUESTED:
        request = getattr(application, "supplement_request", None)
        if request is not None:
            return replace(step, due_at=request.due_at, provisional=request.provisional)
    if application.state == S.ELIGIBILITY_REVIEW and application.eligibility_due_at:
        return replace(
            step,
            due_at=application.eligibility_due_at,
            provisional=workdays.datetime_is_provisional(application.eligibility_due_at),
        )
    return step
