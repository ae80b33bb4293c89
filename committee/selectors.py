"""Reads for the committee: what a member sees, the turnout, the decision for other stages."""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from applications.enums import COMMITTEE_REACHED_STATES, ApplicationState
from applications.models import Application
from committee.enums import BallotStatus, MeetingStatus
from committee.models import AgendaItem, Attendance, Committee, Meeting, Participation, Recusal
from titles.permissions import is_bureau_staff
from titles.voting import RULE_TEXT, rule_arithmetic


def committees_of(user) -> QuerySet[Committee]:
    if not getattr(user, "is_authenticated", False):
        return Committee.objects.none()
    return Committee.objects.filter(
        Q(members=user) | Q(chairman=user) | Q(vice_chairman=user)
    ).distinct()


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """Meetings of the committees the user sits on (a member or the chairman)."""
    return (
        Meeting.objects.filter(committee__in=committees_of(user).values("pk"))
        .select_related("committee", "committee__chairman", "presided_by")
        .defer("minutes_pdf")  # the signed PDF is read only where it is served (loaded on use)
    )


def minutes_visible_to(user) -> QuerySet[Meeting]:
    """Whose minutes the user may read: their committees' meetings, and for bureau staff every
    closed meeting (their queue links to the minutes behind each result)."""
    visible = Q(committee__in=committees_of(user).values("pk"))
    if is_bureau_staff(user):
        visible |= Q(status=MeetingStatus.CLOSED)
    return (
        Meeting.objects.filter(visible)
        .select_related("committee", "committee__chairman", "presided_by")
        .defer("minutes_pdf")
    )


def items_visible_to(user) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(
        meeting__committee__in=committees_of(user).values("pk")
    ).select_related(
        "meeting__committee__chairman",
        "application__applicant",
        "application__discipline",
        "application__employer",
        "application__recommending_body",
    )


def applications_on_agenda_of(user) -> QuerySet[Application] | None:
    """Rule 10 for committee members: their meetings' agenda items (``None`` for anyone
    signed out); part of ``portal.selectors.applications_visible_to``."""
    if not getattr(user, "is_authenticated", False):
        return None
    # No query here: the branch becomes an EXISTS inside the visibility query.
    return Application.objects.filter(
        agenda_items__meeting__committee__in=committees_of(user).values("pk")
    )


def committee_voters(committee) -> list:
    """Every voting member: the members, the chairman and the vice-chairman, by name."""
    people = {user.pk: user for user in committee.members.all()}
    people.setdefault(committee.chairman_id, committee.chairman)
    if committee.vice_chairman_id is not None:
        people.setdefault(committee.vice_chairman_id, committee.vice_chairman)
    return sorted(people.values(), key=lambda user: (user.display_name, user.pk))


def quorum_of(committee, *, members: int) -> int:
    """Members who must be present for a meeting of ``committee`` (of ``members`` voting
    members) to proceed: its own setting, else two thirds of the members rounded up (integer
    arithmetic: the smallest q with 3q >= 2 * members)."""
    if committee.quorum:
        return committee.quorum
    return (2 * members + 2) // 3


def present_member_ids(meeting) -> set[int]:
    return set(Attendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))


def recused_member_ids(item) -> set[int]:
    return set(Recusal.objects.filter(item=item).values_list("member_id", flat=True))


def turnout(item) -> int:
    """How many have voted on the item (never how)."""
    return Participation.objects.filter(item=item).count()


def members_yet_to_vote(item) -> list:
    """The members present at the item's meeting, not recused, who have not voted on it yet,
    by name (who, never how: rule 7). A ballot closes only when this is empty (rule 6)."""
    present = Attendance.objects.filter(meeting_id=item.meeting_id).values("member_id")
    recused = Recusal.objects.filter(item=item).values("member_id")
    voted = Participation.objects.filter(item=item).values("member_id")
    return sorted(
        get_user_model()
        .objects.filter(pk__in=present)
        .exclude(pk__in=recused)
        .exclude(pk__in=voted),
        key=lambda user: (user.display_name, user.pk),
    )


def has_voted(user, item) -> bool:
    return Participation.objects.filter(item=item, member=user).exists()


def open_item(meeting) -> AgendaItem | None:
    return meeting.items.filter(status=BallotStatus.OPEN).first()


def applications_for_agenda() -> QuerySet[Application]:
    """Applications in committee review not yet on the agenda of a meeting still to be closed."""
    return (
        Application.objects.filter(state=ApplicationState.COMMITTEE_REVIEW)
        .exclude(agenda_items__meeting__status__in=[MeetingStatus.SCHEDULED, MeetingStatus.OPEN])
        .select_related("applicant", "discipline")
        .order_by("updated_at", "pk")
    )


def decided_item(application) -> AgendaItem | None:
    return (
        AgendaItem.objects.filter(application=application, status=BallotStatus.CLOSED)
        .select_related("meeting__committee")
        .defer("meeting__minutes_pdf")
        .order_by("-closed_at")
        .first()
    )


def committee_decision(*, application) -> dict | None:
    """The committee's vote on the application once its ballot is closed, else ``None``."""
    item = decided_item(application)
    return _decision(item) if item is not None else None


def application_committee_items(application, user) -> tuple[list[AgendaItem], dict | None]:
    """For the application page, in one query: the application's agenda items in the user's
    committees, and the committee's decision (its latest closed ballot, whoever asks). No query
    before the panel review is done: no agenda item can exist then.
    """
    if application.state not in COMMITTEE_REACHED_STATES:
        return [], None
    items = list(
        AgendaItem.objects.filter(application=application)
        .select_related("meeting__committee__chairman")
        .defer("meeting__minutes_pdf")  # the signed PDF: never needed to list items
        .annotate(
            in_users_committee=Exists(
                committees_of(user).filter(pk=OuterRef("meeting__committee_id"))
            )
        )
    )
    closed = [item for item in items if item.status == BallotStatus.CLOSED]
    decided = max(closed, key=lambda item: item.closed_at) if closed else None
    decision = _decision(decided) if decided is not None else None
    return [item for item in items if item.in_users_committee], decision


def committee_decisions(*, applications) -> dict[int, dict]:
    """``committee_decision`` of many applications in one query: {application id: decision}."""
    items = (
        AgendaItem.objects.filter(
            application__in=[a.pk for a in applications], status=BallotStatus.CLOSED
        )
        .select_related("meeting__committee")
        .defer("meeting__minutes_pdf")
        .order_by("application_id", "-closed_at")
        .distinct("application_id")
    )
    return {item.application_id: _decision(item) for item in items}


def _decision(item: AgendaItem) -> dict:
    return {
        "meeting": item.meeting,
        "minutes_url": reverse("committee:minutes", args=[item.meeting_id]),
        "consent": item.consent,
        "oppose": item.oppose,
        "abstain": item.abstain,
        "present": item.present,
        "recused": item.recused,
        "votes_cast": item.votes_cast,
        "approved": bool(item.approved),
        "decided_at": item.closed_at,
        "committee_name": item.meeting.committee.name,  # as the certificate states it
        "committee_display": item.meeting.committee.display_name,  # in the reader's language
        # Rule 6 beside the result: the rule and its arithmetic for these numbers.
        "rule": RULE_TEXT,
        "arithmetic": rule_arithmetic(item.consent, item.present),
    }
