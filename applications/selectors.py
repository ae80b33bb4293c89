"""Reads: what a user may see, what is missing, and what happens next."""

from dataclasses import dataclass, replace
from datetime import datetime

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from applications import permissions
from applications.enums import (
    AGENCY_QUEUE_STATES,
    COMMITTEE_REACHED_STATES,
    EXPERTS_REQUIRED,
    HEAD_KIND_FOR_CATEGORY,
    OPTIONAL_SLOTS,
    REQUIRED_SLOTS,
    ApplicationState,
    Category,
    MaterialSlot,
    RecommenderKind,
    RecommenderStatus,
)
from applications.models import (
    FORM_FIELDS,
    Application,
    ChecklistItem,
    FormVersion,
    InternalNotice,
    Material,
    MaterialVersion,
    Recommender,
)
from applications.permissions import is_agency_staff
from titles import workdays
from titles.audit import audit_action_label, audit_events_for, latest_event
from titles.db import one_to_one_or_none as one_to_one_or_none  # kept importable here
from titles.models.people import localised
from titles.pagination import QueuePaginator as QueuePaginator  # kept importable here
from titles.people import organizations_of_member, organizations_reviewable_by
from titles.permissions import is_employer_reviewer

S = ApplicationState


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


def visible_in_application_stages(user) -> Q:
    """Rule 10 for stages 1 and 2, as a condition on applications: the applicant's own; the
    employer reviewer's organizations' once submitted; for agency staff, what reached the
    agency. ``portal.selectors.applications_visible_to`` adds what the later stages let see.

    Plain conditions, no joins: ORed with the later stages' correlated ``EXISTS``, one lookup
    of one application plans and runs in about a millisecond.
    """
    visible = Q(applicant=user)
    if is_employer_reviewer(user):
        # Only reviewers review organizations (organizations_reviewable_by is empty for anyone
        # else): without the role the condition is left out, not compiled to match nothing.
        visible |= _reviewed_by(organizations_reviewable_by(user).values("pk"))
    if is_agency_staff(user):
        visible |= _at_agency()
    return visible


def _reviewed_by(organizations) -> Q:
    return (~Q(state=S.DRAFT) & Q(is_freelancer=False, employer__in=organizations)) | (
        ~Q(state=S.DRAFT) & Q(is_freelancer=True, recommending_body__in=organizations)
    )


def _at_agency() -> Q:
    return Q(recommended_at__isnull=False) | Q(state__in=AGENCY_QUEUE_STATES)


def applications_reviewed_by(user) -> QuerySet[Application]:
    """The applications the user sees as employer reviewer (their organizations', submitted)."""
    if not user.is_authenticated:
        return Application.objects.none()
    return Application.objects.filter(_reviewed_by(organizations_reviewable_by(user).values("pk")))


def applications_at_agency(user) -> QuerySet[Application]:
    """The applications the user sees as agency staff: those that reached the agency."""
    if not is_agency_staff(user):
        return Application.objects.none()
    return Application.objects.filter(_at_agency())


def eligibility_overdue(now: datetime) -> Q:
    """Rule 4: in eligibility review past the agency's stipulated time (the queue's mark, the
    dashboard's count, the overdue filter and the daily reminder all ask this)."""
    return Q(state=S.ELIGIBILITY_REVIEW, eligibility_due_at__lt=now)


def agency_queue(
    *,
    category: str = "",
    discipline_id: int | None = None,
    organization_id: int | None = None,
    overdue_only: bool = False,
    officer_id: int | None = None,
    done: bool = False,
    now: datetime,
) -> QuerySet[Application]:
    """Applications awaiting the agency, earliest due first, in a fixed number of queries;
    each says whether it ``is_overdue`` (rule 4) and whether it ``awaits_supplement``.
    ``done``: the ones the agency has decided on (found ineligible or sent on to the panel)."""
    queryset = (
        Application.objects.filter(state__in=AGENCY_DONE_STATES if done else AGENCY_QUEUE_STATES)
        .select_related(
            "applicant",
            "employer",
            "recommending_body",
            "discipline",
            "supplement_request",
            "title_series",
            "round",
            "agency_officer",
        )
        .annotate(
            is_overdue=ExpressionWrapper(eligibility_overdue(now), output_field=BooleanField()),
            awaits_supplement=ExpressionWrapper(
                Q(state=S.SUPPLEMENT_REQUESTED), output_field=BooleanField()
            ),
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
        queryset = queryset.filter(eligibility_overdue(now))
    if officer_id:
        queryset = queryset.filter(agency_officer_id=officer_id)
    return queryset


# What the agency has decided on: its "done" view (issue #23).
AGENCY_DONE_STATES = [
    ApplicationState.INELIGIBLE,
    ApplicationState.PANEL_REVIEW,
    *COMMITTEE_REACHED_STATES,
]


def employer_queue(user, *, states, query: str = "") -> QuerySet[Application]:
    """The reviewer's organizations' applications in ``states``, oldest submission first.

    The organizations are read first (one small query), so that the planner sees how few they
    are: with their ids in the query, the ``(state, employer)`` and ``(state, recommending_body)``
    indexes find the rows (a BitmapOr). With the organizations as a subquery the planner
    expected most of them and read every application in the queue's states. Only the relations
    the page shows are joined.
    """
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
    """Notices of the organizations the user belongs to (members read them and may object), and
    the notice of the user's own application (issue #22: the applicant reads what is posted)."""
    if not user.is_authenticated:
        return InternalNotice.objects.none()
    # Both conditions on the notice's own columns (an OR across the join made PostgreSQL join
    # every notice to its application before filtering: 49 ms at 100,000 applications).
    return InternalNotice.objects.filter(
        Q(organization__in=organizations_of_member(user).values("pk"))
        | Q(application__in=Application.objects.filter(applicant=user).values("pk"))
    ).select_related("application", "application__applicant", "organization")


def internal_notices_running_for(user, *, now) -> QuerySet[InternalNotice]:
    """The running internal notices of the organizations the user belongs to, ending first."""
    return (
        internal_notices_visible_to(user)
        .filter(application__state=ApplicationState.INTERNAL_NOTICE, ends_at__gte=now)
        .order_by("ends_at", "pk")
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


def eligibility_checklist(application: Application) -> list[ChecklistItem]:
    """The agency's eligibility checklist for the application's category (rule 3's items)."""
    return list(
        ChecklistItem.objects.filter(active=True).filter(
            Q(category="") | Q(category=application.category)
        )
    )


def material_slots(application: Application) -> list[str]:
    """The material slots the application's category offers: the required ones, then the
    optional ones (none before the category is chosen)."""
    if not application.category:
        return []
    return [*REQUIRED_SLOTS[Category(application.category)], *OPTIONAL_SLOTS]


def active_recommenders(application: Application) -> list[Recommender]:
    return [r for r in application.recommenders.all() if r.status != RecommenderStatus.REPLACED]


def names_joined(names) -> str:
    """Names listed in the reader's language: 甲、乙 in Chinese, "A, B" in English."""
    return ("、" if (get_language() or "").startswith("zh") else ", ").join(names)


def district_refusal(recommending_body) -> str:
    """Why a district HR bureau may not recommend this freelancer (rule 12), in words."""
    return _(
        "%(bureau)s recommends freelancers residing in %(served)s only: choose the HR bureau of "
        "the district you reside in, or an association or a learned society."
    ) % {
        "bureau": recommending_body,
        "served": recommending_body.get_district_display(),
    }


def application_missing_items(application: Application) -> list[Promise | str]:
    """Exactly what is still missing before this application can be submitted, in order."""
    return [text for _step, text in application_missing_by_step(application)]


def application_missing_by_step(application: Application) -> list[tuple[str, Promise | str]]:
    """What is still missing, each with the form step (slug) where the applicant supplies it."""
    missing: list = []
    step = "category"
    if not application.category:
        missing.append((step, _("Choose your category.")))
    if application.is_freelancer:
        if not application.recommending_body_id:
            missing.append(
                (
                    step,
                    _(
                        "Choose the association, learned society or district HR bureau "
                        "that recommends you."
                    ),
                )
            )
        if not application.district:
            missing.append((step, _("Enter your district of residence.")))
        elif permissions.recommending_body_outside_district(
            application.recommending_body, application.district
        ):
            missing.append((step, district_refusal(application.recommending_body)))
    elif not application.employer_id:
        missing.append((step, _("Choose your employer.")))
    step = "personal"
    applicant = application.applicant
    if not applicant.real_name:
        missing.append((step, _("Enter your real name.")))
    if not applicant.phone:
        missing.append((step, _("Enter your phone number.")))
    if not getattr(applicant, "id_number_hash", ""):
        missing.append((step, _("Enter your resident ID number.")))
    if not application.title_series_id:
        missing.append((step, _("Choose the title series.")))
    if not application.discipline_id:
        missing.append((step, _("Choose the discipline.")))
    if not application.level:
        missing.append((step, _("Choose the level sought.")))
    step = "achievements"
    for field in (
        "academic_proficiency",
        "professional_competence",
        "work_achievements",
        "performance_contributions",
    ):
        if not getattr(application, field).strip():
            label = Application._meta.get_field(field).verbose_name
            missing.append((step, _("Describe your %(dimension)s.") % {"dimension": label}))
    step = "materials"
    if application.category:
        have = {
            material.slot
            for material in application.materials.all()
            if any(True for _version in material.versions.all())
        }
        for slot in REQUIRED_SLOTS[Category(application.category)]:
            if slot not in have:
                missing.append((step, _("Upload: %(slot)s.") % {"slot": MaterialSlot(slot).label}))
    step = "recommenders"
    recommenders = active_recommenders(application)
    experts = [r for r in recommenders if r.kind == RecommenderKind.EXPERT]
    heads = [r for r in recommenders if r.kind == RecommenderKind.HEAD]
    if len(experts) < EXPERTS_REQUIRED:
        missing.append(
            (
                step,
                _("Name %(count)s more expert recommender(s).")
                % {"count": EXPERTS_REQUIRED - len(experts)},
            )
        )
    for declined in [r for r in recommenders if r.status == RecommenderStatus.DECLINED]:
        missing.append((step, _("%(name)s has declined: replace them.") % {"name": declined.name}))
    waiting = [
        r
        for r in experts
        if r.status not in (RecommenderStatus.RESPONDED, RecommenderStatus.DECLINED)
    ]
    if waiting:
        missing.append(
            (
                step,
                _("Waiting for the recommendation of: %(names)s.")
                % {"names": names_joined(r.name for r in waiting)},
            )
        )
    for expert in experts:
        if expert.status == RecommenderStatus.RESPONDED and not expert.senior_title:
            missing.append(
                (step, _("%(name)s has not recorded a senior title.") % {"name": expert.name})
            )
    if not heads:
        missing.append((step, _("Name your head recommender.")))
    else:
        head = heads[0]
        if (
            application.category
            and head.head_kind != HEAD_KIND_FOR_CATEGORY[Category(application.category)]
        ):
            missing.append(
                (step, _("Your head recommender does not fit your category: replace them."))
            )
        if head.status not in (RecommenderStatus.RESPONDED, RecommenderStatus.DECLINED):
            missing.append(
                (step, _("Waiting for the recommendation of: %(names)s.") % {"names": head.name})
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
# The same steps as the staff read them (issue #22): about the applicant, not to them.
STAFF_NEXT_STEPS: dict[str, NextStep] = {
    **NEXT_STEPS,
    S.DRAFT: NextStep(_("The applicant completes the form and submits it."), _("The applicant")),
    S.EMPLOYER_REVIEW: NextStep(_("The employer reviews the application."), _("The employer")),
    S.RETURNED: NextStep(
        _("The applicant makes the requested changes and submits again."), _("The applicant")
    ),
    S.INTERNAL_NOTICE: NextStep(
        _("The internal notice is running; then the employer recommends the applicant."),
        _("The employer"),
    ),
    S.NOTICE_PASSED: NextStep(
        _("The employer sends the formal recommendation."), _("The employer")
    ),
    S.ELIGIBILITY_REVIEW: NextStep(
        _("The evaluation agency checks the applicant's eligibility."), _("The evaluation agency")
    ),
    S.SUPPLEMENT_REQUESTED: NextStep(
        _("The applicant answers the supplement request before its deadline."), _("The applicant")
    ),
    S.CERTIFYING: NextStep(_("The certificate is being issued."), _("The bureau")),
    S.CERTIFIED: NextStep(
        _("The certificate is issued; the holder downloads it."), _("The holder")
    ),
}


def return_reason(application: Application, *, events=None) -> str:
    """The employer's reasons for returning the application, while it is returned ("" else).
    ``events``: its audit events, when the caller has read them already."""
    if application.state != S.RETURNED:
        return ""
    if events is None:
        events = audit_events_for(application).filter(action="application.return_to_applicant")
    event = latest_event(events, actions={"application.return_to_applicant"})
    return event.reason if event else ""


def application_next_step(application: Application, viewer=None) -> NextStep | None:
    """What happens next, who acts, and by when (for the states that have a deadline); written
    to the applicant, or about them when ``viewer`` is someone else (issue #22)."""
    own = viewer is None or viewer.pk == application.applicant_id
    step = (NEXT_STEPS if own else STAFF_NEXT_STEPS).get(application.state)
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


# --- the form's submitted versions (rule 9) ----------------------------------------------------

# Transitions that are not a stage's decision on what was submitted.
_NOT_DECISIONS = {
    "application.submit",
    "application.resubmit",
    "application.withdraw",
    "application.deem_withdrawn",
    "application.pass_internal_notice",
    "application.pass_public_notice",
    "application.submit_supplement",
    "application.certify",
}


@dataclass(frozen=True)
class FormChange:
    label: str
    before: str
    after: str


def _shown(name: str, value) -> str:
    """A value of the form's field ``name`` as stored in a version, in the reader's language."""
    if value is None or value == "":
        return "—"
    field = Application._meta.get_field(name)
    if isinstance(value, dict):  # a related row: its names as they read at the submission
        return localised(value.get("name", ""), value.get("name_en", ""))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def form_changes(before: FormVersion, after: FormVersion) -> list[FormChange]:
    """What the applicant changed from one submitted version to the next, field by field."""
    changes = []
    for name in FORM_FIELDS:
        old, new = before.data.get(name), after.data.get(name)
        if isinstance(old, dict) and isinstance(new, dict) and old.get("id") == new.get("id"):
            continue
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        label = str(Application._meta.get_field(name).verbose_name)
        changes.append(FormChange(label, _shown(name, old), _shown(name, new)))
    return changes


@dataclass(frozen=True)
class VersionDecision:
    action: str
    occurred_at: datetime
    version: int | None


def decisions_on_versions(versions: list[FormVersion], *, events):
    """Each stage's decision on the application and the form version it decided on (the last
    one submitted before it), oldest first; ``events`` are the application's audit events."""
    decisions = sorted(
        (
            event
            for event in events
            if event.action.startswith("application.")
            and event.action not in _NOT_DECISIONS
            and event.to_state
        ),
        key=lambda event: (event.occurred_at, event.pk),
    )
    decided = []
    for event in decisions:
        version = None
        for candidate in versions:
            if candidate.submitted_at <= event.occurred_at:
                version = candidate.number
        decided.append(
            VersionDecision(audit_action_label(event.action), event.occurred_at, version)
        )
    return decided
