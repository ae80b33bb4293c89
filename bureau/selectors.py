"""Reads for the bureau: its queue, the committee's result, and what the public may read."""

from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q, QuerySet

from applications.enums import ApplicationState, Category, ObjectionStatus, TitleLevel
from applications.models import Application
from bureau.models import (
    PublicNotice,
    PublicNoticeEntry,
    PublicObjection,
    SpecialIssuance,
    SpecialIssuanceStatus,
)
from bureau.permissions import is_bureau_staff
from committee.selectors import committee_decision, committee_decisions
from titles.models import Round
from titles.pagination import QueuePaginator

S = ApplicationState
# Bureau staff open every application that has left the committee stage (DOMAIN.md rule 10).
BUREAU_VISIBLE_STATES = [
    S.BUREAU_REVIEW,
    S.PUBLIC_NOTICE,
    S.CERTIFYING,
    S.CERTIFIED,
    S.REVOKED,
    S.NOT_APPROVED,
]


def applications_visible_to_bureau(user) -> QuerySet[Application] | None:
    """Rule 10 for bureau staff: every application from the bureau's review on (``None`` for
    anyone else); part of ``portal.selectors.applications_visible_to``."""
    if not is_bureau_staff(user):
        return None
    return Application.objects.filter(state__in=BUREAU_VISIBLE_STATES)


# --- the committee's result ---------------------------------------------------------------


def committee_decision_of(application: Application) -> dict | None:
    """The committee's result on the application (its ballot's totals and the minutes)."""
    return committee_decision(application=application)


@dataclass(frozen=True)
class QueueRow:
    application: Application
    committee: dict | None
    pending_issuance: SpecialIssuance | None


# What the bureau has decided on: its "done" view (issue #23).
BUREAU_DONE_STATES = [S.PUBLIC_NOTICE, S.CERTIFYING, S.CERTIFIED, S.REVOKED]


def bureau_queue(states=(S.BUREAU_REVIEW,)) -> QuerySet[Application]:
    """Applications awaiting the bureau's post-assessment review, oldest first."""
    return (
        Application.objects.filter(state__in=states)
        .select_related(
            "applicant", "employer", "recommending_body", "title_series", "discipline", "round"
        )
        .prefetch_related(
            Prefetch(
                "special_issuances",
                queryset=SpecialIssuance.objects.filter(
                    status=SpecialIssuanceStatus.PENDING
                ).select_related("proposed_by"),
                to_attr="pending_issuances",
            )
        )
        .order_by("updated_at", "pk")  # the (state, updated_at, id) index: no sort
    )


# What a queue row shows (``bureau/queue.html``): fifty rows of whole applications, applicants
# and organizations were most of the page's cost.
QUEUE_ROW_FIELDS = (
    "version",
    "is_freelancer",
    "category",
    "applicant__real_name",
    "applicant__first_name",
    "applicant__last_name",
    "applicant__username",
    "employer__name",
    "employer__name_en",
    "recommending_body__name",
    "recommending_body__name_en",
    "title_series__name",
    "title_series__name_en",
    "discipline__name",
    "discipline__name_en",
    # the export's columns (issue #23)
    "level",
    "state",
    "submitted_at",
    "round__name",
)


def bureau_queue_rows(applications) -> list[QueueRow]:
    """The queue's rows with the committee's result of each (one query for all of them)."""
    applications = list(applications)
    decisions = committee_decisions(applications=applications)
    return [
        QueueRow(
            application=application,
            committee=decisions.get(application.pk),
            pending_issuance=(application.pending_issuances or [None])[0],
        )
        for application in applications
    ]


def special_issuances_pending() -> QuerySet[SpecialIssuance]:
    return (
        SpecialIssuance.objects.filter(status=SpecialIssuanceStatus.PENDING)
        .select_related("application__applicant", "proposed_by")
        .order_by("proposed_at", "pk")
    )


def public_objections_open() -> QuerySet[PublicObjection]:
    return (
        PublicObjection.objects.filter(status=ObjectionStatus.OPEN)
        .select_related("entry__notice", "entry__application__applicant")
        .order_by("created_at", "pk")
    )


# --- the public notice: only what may be disclosed ---------------------------------------------


@dataclass(frozen=True)
class DisclosedEntry:
    """What the public notice shows of an applicant, and nothing else (no ID, no contact)."""

    pk: int
    name: str
    organization: str
    category: str
    title_series: str
    discipline: str
    level: str


@dataclass(frozen=True)
class RunningNotice:
    pk: int
    title: str
    published_at: datetime
    ends_at: datetime
    provisional: bool
    entries: list[DisclosedEntry]


def entry_disclosed(entry: PublicNoticeEntry) -> DisclosedEntry:
    application = entry.application
    organization = (
        application.recommending_body if application.is_freelancer else application.employer
    )
    return DisclosedEntry(
        pk=entry.pk,
        name=application.applicant.display_name,
        organization=str(organization or ""),
        category=str(Category(application.category).label) if application.category else "",
        title_series=str(application.title_series or ""),
        discipline=str(application.discipline or ""),
        level=str(TitleLevel(application.level).label) if application.level else "",
    )


def _entries_on_notice() -> QuerySet[PublicNoticeEntry]:
    return PublicNoticeEntry.objects.filter(application__state=S.PUBLIC_NOTICE).select_related(
        "application__applicant",
        "application__employer",
        "application__recommending_body",
        "application__title_series",
        "application__discipline",
    )


# What ``entry_disclosed`` and the page read: a page of a hundred rows builds seven model
# instances a row, and their other columns (texts, the user's password hash, datetimes to parse)
# were most of its cost.
_DISCLOSED_FIELDS = (
    "notice__title",
    "notice__published_at",
    "notice__ends_at",
    "notice__provisional",
    "application__is_freelancer",
    "application__category",
    "application__level",
    "application__applicant__real_name",
    "application__applicant__first_name",
    "application__applicant__last_name",
    "application__applicant__username",
    "application__employer__name",
    "application__employer__name_en",
    "application__recommending_body__name",
    "application__recommending_body__name_en",
    "application__title_series__name",
    "application__title_series__name_en",
    "application__discipline__name",
    "application__discipline__name_en",
)


def public_notices_running(*, now: datetime) -> list[RunningNotice]:
    """Notices whose period runs now, with the applicants still on them: two queries."""
    notices = (
        PublicNotice.objects.filter(published_at__lte=now, ends_at__gte=now)
        .prefetch_related(Prefetch("entries", queryset=_entries_on_notice().order_by("pk")))
        .order_by("ends_at", "pk")
    )
    running = []
    for notice in notices:
        entries = [entry_disclosed(entry) for entry in notice.entries.all()]
        if entries:
            running.append(
                RunningNotice(
                    pk=notice.pk,
                    title=notice.heading,
                    published_at=notice.published_at,
                    ends_at=notice.ends_at,
                    provisional=notice.provisional,
                    entries=entries,
                )
            )
    return running


NOTICE_PAGE_SIZE = 100


def public_notice_entries(*, now: datetime, query: str = "") -> QuerySet[PublicNoticeEntry]:
    """The running notices' entries, what may be disclosed only; ``query`` finds a name, an
    organization, a series or a discipline (issue #23)."""
    entries = (
        _entries_on_notice()
        .select_related("notice")
        .filter(notice__published_at__lte=now, notice__ends_at__gte=now)
        .order_by("notice__ends_at", "notice_id", "pk")
        .only(*_DISCLOSED_FIELDS)
    )
    query = query.strip()
    if query:
        entries = entries.filter(
            Q(application__applicant__real_name__icontains=query)
            | Q(application__employer__name__icontains=query)
            | Q(application__recommending_body__name__icontains=query)
            | Q(application__title_series__name__icontains=query)
            | Q(application__discipline__name__icontains=query)
        )
    return entries


def public_notices_page(
    *, now: datetime, page_number, query: str = ""
) -> tuple[Page, list[RunningNotice]]:
    """One page of the running notices' applicants (two queries), grouped by their notice."""
    entries = public_notice_entries(now=now, query=query)
    page = QueuePaginator(entries, NOTICE_PAGE_SIZE).get_page(page_number)
    grouped: dict[int, tuple[PublicNotice, list[DisclosedEntry]]] = {}
    for entry in page.object_list:
        grouped.setdefault(entry.notice_id, (entry.notice, []))[1].append(entry_disclosed(entry))
    notices = [
        RunningNotice(
            pk=notice.pk,
            title=notice.heading,
            published_at=notice.published_at,
            ends_at=notice.ends_at,
            provisional=notice.provisional,
            entries=disclosed,
        )
        for notice, disclosed in grouped.values()
    ]
    return page, notices


def public_notice_entry_running(*, pk: int, now: datetime) -> PublicNoticeEntry | None:
    """The entry if the public may object to it now (its notice runs, the applicant is on it)."""
    return (
        _entries_on_notice()
        .select_related("notice")
        .filter(pk=pk, notice__published_at__lte=now, notice__ends_at__gte=now)
        .first()
    )


OBJECTIONS_IN_ORDER = Prefetch(
    "objections",
    queryset=PublicObjection.objects.select_related("decided_by").order_by("created_at", "pk"),
)


def rounds_with_counts():
    """Every application round, newest first, with how many applications belong to it."""
    return Round.objects.annotate(applications_count=Count("applications")).order_by(
        "-year", "-opens_on"
    )
