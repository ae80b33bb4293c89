"""Committees with members, meetings in session, applications awaiting the committee."""

from zoneinfo import ZoneInfo

from django.utils import timezone

from applications.models import Application
from committee import services
from committee.enums import Choice
from committee.models import AgendaItem, Committee, Meeting
from tests.applications.factories import ApplicationFactory
from tests.factories import UserFactory
from titles.enums import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
CHOICES = [Choice.CONSENT, Choice.OPPOSE, Choice.ABSTAIN]


def awaiting_committee(**kwargs) -> Application:
    return ApplicationFactory(committee_review=True, **kwargs)


def committee_of(members: int = 4, *, name: str = "北京市高层次人才职称评审委员会") -> Committee:
    """A committee whose chairman votes too; ``members`` other members."""
    chairman = UserFactory(real_name="李主任", roles=[Role.COMMITTEE_CHAIRMAN])
    committee = Committee.objects.create(name=name, chairman=chairman)
    committee.members.add(
        *[
            UserFactory(real_name=f"委员{n:03d}", roles=[Role.COMMITTEE_MEMBER])
            for n in range(1, members + 1)
        ]
    )
    return committee


def meeting_of(committee: Committee, *applications: Application) -> Meeting:
    meeting = services.meeting_create(
        committee=committee,
        actor=committee.chairman,
        starts_at=timezone.now(),  # today: a meeting opens on its day, none is in the past
        place="北京市人力资源和社会保障局第一会议室",
    )
    for application in applications:
        services.agenda_add(meeting=meeting, application=application, actor=committee.chairman)
    return meeting


def in_session(members: int = 4, items: int = 1, *, absent: int = 0):
    """A meeting in session with the roll taken (the last ``absent`` members absent).

    Returns (meeting, [items], [voters present], chairman).
    """
    committee = committee_of(members)
    meeting = meeting_of(committee, *[awaiting_committee() for _ in range(items)])
    chairman = committee.chairman
    services.meeting_open(meeting=meeting, actor=chairman)
    voters = [chairman, *committee.members.order_by("pk")]
    present = voters[: len(voters) - absent] if absent else voters
    services.roll_call(meeting=meeting, actor=chairman, present_ids={u.pk for u in present})
    return meeting, list(AgendaItem.objects.filter(meeting=meeting)), present, chairman
