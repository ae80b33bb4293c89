import pytest
from django.utils import translation

from applications.enums import ApplicationState
from applications.models import Application
from committee import selectors, services
from committee.enums import BallotStatus, Choice, MeetingStatus
from committee.errors import AlreadyVoted, MeetingChangedMeanwhile, NotChairman, RuleViolation
from committee.models import AgendaItem, EncryptedBallot, Participation, Recusal
from tests.applications.factories import add_recommender
from tests.committee.factories import awaiting_committee, committee_of, in_session, meeting_of
from titles.models import AuditEvent, Notification

S = ApplicationState


def vote_all(item, voters, choices):
    for voter, choice in zip(voters, choices, strict=True):
        services.ballot_cast(item=item, member=voter, choice=choice)


@pytest.fixture(autouse=True)
def _english():
    """The services' messages compared in English (the Chinese catalogue has its own test)."""
    with translation.override("en"):
        yield


@pytest.mark.django_db
def test_ballot_close_approves_with_more_than_two_thirds():
    meeting, [item], voters, chairman = in_session(members=4)
    services.ballot_open(item=item, actor=chairman)
    vote_all(item, voters, ["consent"] * 4 + ["oppose"])
    item = services.ballot_close(item=item, actor=chairman)
    assert (item.present, item.recused, item.votes_cast) == (5, 0, 5)
    assert (item.consent, item.oppose, item.abstain, item.approved) == (4, 1, 0, True)
    # The result reaches the application only when the meeting closes.
    assert Application.objects.get(pk=item.application_id).state == S.COMMITTEE_REVIEW
    services.meeting_close(meeting=meeting, actor=chairman)
    assert Application.objects.get(pk=item.application_id).state == S.BUREAU_REVIEW
    assert EncryptedBallot.objects.count() == 0
    assert item.ballot_salt is None


@pytest.mark.django_db
def test_ballot_close_waits_for_every_present_member_not_recused():
    """Issue #27: one vote cast of four present, closed, showed the chairman that vote (the
    tally of one ballot is the ballot). The close is refused, saying how many are missing, until
    each present member who is not recused has cast, and changes nothing meanwhile."""
    _meeting, [item], voters, chairman = in_session(members=3, absent=0)
    services.recusal_declare(item=item, member=voters[3], actor=voters[3], reason="曾是其导师")
    services.ballot_open(item=item, actor=chairman)
    services.ballot_cast(item=item, member=voters[1], choice="oppose")
    assert [m.pk for m in selectors.members_yet_to_vote(item)] == [voters[2].pk, voters[0].pk]
    with pytest.raises(RuleViolation) as error:
        services.ballot_close(item=item, actor=chairman)
    assert str(error.value.message) == (
        "The ballot closes only when every member present and not recused has voted "
        "(abstaining is a vote): 2 not yet, listed on the page."
    )
    item = AgendaItem.objects.get(pk=item.pk)
    assert (item.status, item.consent, EncryptedBallot.objects.filter(item=item).count()) == (
        BallotStatus.OPEN,
        None,
        1,
    )
    assert not AuditEvent.objects.filter(action="committee.ballot_close").exists()
    services.ballot_cast(item=item, member=voters[0], choice="abstain")
    with pytest.raises(RuleViolation):
        services.ballot_close(item=item, actor=chairman)
    services.ballot_cast(item=item, member=voters[2], choice="abstain")
    assert selectors.members_yet_to_vote(item) == []
    item = services.ballot_close(item=item, actor=chairman)
    assert (item.present, item.recused, item.votes_cast) == (3, 1, 3)
    assert (item.consent, item.oppose, item.abstain, item.approved) == (0, 1, 2, False)


@pytest.mark.django_db
def test_ballot_close_at_two_thirds_with_abstentions_is_not_approved():
    meeting, [item], voters, chairman = in_session(members=5)
    services.ballot_open(item=item, actor=chairman)
    vote_all(item, voters, ["consent"] * 4 + ["abstain"] * 2)
    item = services.ballot_close(item=item, actor=chairman)
    assert (item.present, item.votes_cast, item.consent, item.abstain) == (6, 6, 4, 2)
    assert item.approved is False
    services.meeting_close(meeting=meeting, actor=chairman)
    assert Application.objects.get(pk=item.application_id).state == S.NOT_APPROVED


@pytest.mark.django_db
def test_ballot_close_counts_present_minus_recused():
    _meeting, [item], voters, chairman = in_session(members=3, absent=1)  # 3 of 4 present
    services.recusal_declare(item=item, member=voters[1], actor=voters[1], reason="曾是其导师")
    services.ballot_open(item=item, actor=chairman)
    vote_all(item, [voters[0], voters[2]], ["consent", "consent"])
    item = services.ballot_close(item=item, actor=chairman)
    assert (item.present, item.recused, item.votes_cast, item.consent) == (2, 1, 2, 2)
    assert item.approved is True


@pytest.mark.django_db
def test_ballot_open_recuses_members_with_a_conflict_automatically():
    _meeting, [item], voters, chairman = in_session(members=2)
    add_recommender(item.application, "expert", email=voters[1].email)
    with translation.override("en"):  # the reason is written in the chairman's language
        services.ballot_open(item=item, actor=chairman)
    recusal = Recusal.objects.get(item=item)
    assert (recusal.member_id, recusal.automatic) == (voters[1].pk, True)
    assert recusal.reason == "is one of the applicant's recommenders"
    with pytest.raises(RuleViolation) as error:
        services.ballot_cast(item=item, member=voters[1], choice="consent")
    assert str(error.value.message) == "You are recused for this application and may not vote."


@pytest.mark.django_db
def test_ballot_cast_by_an_absent_member_is_refused():
    meeting, [item], _voters, chairman = in_session(members=3, absent=1)
    absent = meeting.committee.members.order_by("-pk").first()
    services.ballot_open(item=item, actor=chairman)
    with pytest.raises(RuleViolation) as error:
        services.ballot_cast(item=item, member=absent, choice="consent")
    assert str(error.value.message) == "Only members present at the meeting may vote."
    assert Participation.objects.count() == 0


@pytest.mark.django_db
def test_ballot_cast_twice_is_refused_and_counted_once():
    _meeting, [item], voters, chairman = in_session(members=2)
    services.ballot_open(item=item, actor=chairman)
    services.ballot_cast(item=item, member=voters[1], choice="consent")
    with pytest.raises(AlreadyVoted) as error:
        services.ballot_cast(item=item, member=voters[1], choice="oppose")
    assert str(error.value.message) == "You have already voted on this application."
    assert (Participation.objects.count(), EncryptedBallot.objects.count()) == (1, 1)


@pytest.mark.django_db
def test_ballot_cast_after_close_is_refused():
    _meeting, [item], voters, chairman = in_session(members=2)
    services.ballot_open(item=item, actor=chairman)
    vote_all(item, voters, ["consent", "consent", "abstain"])
    services.ballot_close(item=item, actor=chairman)
    with pytest.raises(RuleViolation) as error:  # not "already voted": the ballot is closed
        services.ballot_cast(item=item, member=voters[2], choice="consent")
    assert str(error.value.message) == "The ballot on this application is not open."


@pytest.mark.django_db
def test_ballot_cast_before_open_is_refused():
    _meeting, [item], voters, _chairman = in_session(members=2)
    with pytest.raises(RuleViolation):
        services.ballot_cast(item=item, member=voters[1], choice="consent")


@pytest.mark.django_db
def test_ballot_cast_with_an_unknown_choice_is_refused():
    _meeting, [item], voters, chairman = in_session(members=2)
    services.ballot_open(item=item, actor=chairman)
    with pytest.raises(RuleViolation) as error:
        services.ballot_cast(item=item, member=voters[1], choice="yes")
    assert str(error.value.message) == "Choose consent, oppose or abstain."


@pytest.mark.django_db
def test_only_the_chairman_opens_takes_the_roll_and_closes():
    committee = committee_of(2)
    meeting = meeting_of(committee, awaiting_committee())
    member = committee.members.first()
    item = AgendaItem.objects.get(meeting=meeting)
    with pytest.raises(NotChairman):
        services.meeting_open(meeting=meeting, actor=member)
    services.meeting_open(meeting=meeting, actor=committee.chairman)
    with pytest.raises(NotChairman):
        services.roll_call(meeting=meeting, actor=member, present_ids={member.pk})
    services.roll_call(
        meeting=meeting, actor=committee.chairman, present_ids={member.pk, committee.chairman_id}
    )
    with pytest.raises(NotChairman):
        services.ballot_open(item=item, actor=member)
    services.ballot_open(item=item, actor=committee.chairman)
    services.ballot_cast(item=item, member=member, choice="consent")
    services.ballot_cast(item=item, member=committee.chairman, choice="consent")
    with pytest.raises(NotChairman):
        services.ballot_close(item=item, actor=member)
    services.ballot_close(item=item, actor=committee.chairman)
    with pytest.raises(NotChairman):
        services.meeting_close(meeting=meeting, actor=member)
    services.meeting_close(meeting=meeting, actor=committee.chairman)
    assert AgendaItem.objects.get(pk=item.pk).status == BallotStatus.CLOSED


@pytest.mark.django_db
def test_roll_call_while_a_ballot_is_open_is_refused():
    meeting, [item], _voters, chairman = in_session(members=2)
    services.ballot_open(item=item, actor=chairman)
    with pytest.raises(RuleViolation) as error:
        services.roll_call(meeting=meeting, actor=chairman, present_ids={chairman.pk})
    assert str(error.value.message) == "Close the open ballot before changing the roll."


@pytest.mark.django_db
def test_ballot_open_twice_says_changed_meanwhile():
    _meeting, [item], _voters, chairman = in_session(members=2)
    services.ballot_open(item=item, actor=chairman)
    with pytest.raises(MeetingChangedMeanwhile):
        services.ballot_open(item=item, actor=chairman)


@pytest.mark.django_db
def test_recusal_after_the_ballot_opened_is_refused():
    _meeting, [item], voters, chairman = in_session(members=2)
    services.ballot_open(item=item, actor=chairman)
    with pytest.raises(RuleViolation) as error:
        services.recusal_declare(item=item, member=voters[1], actor=voters[1], reason="同事")
    assert str(error.value.message) == "Recusals are recorded before the ballot on the item opens."


@pytest.mark.django_db
def test_meeting_close_tells_applicants_only_then():
    meeting, [first, second], voters, chairman = in_session(members=2, items=2)
    services.ballot_open(item=first, actor=chairman)
    vote_all(first, voters, ["consent"] * 3)
    services.ballot_close(item=first, actor=chairman)
    services.ballot_open(item=second, actor=chairman)
    vote_all(second, voters, ["oppose"] * 3)
    services.ballot_close(item=second, actor=chairman)
    applicants = [first.application.applicant, second.application.applicant]
    assert Notification.objects.filter(recipient__in=applicants).count() == 0
    services.meeting_close(meeting=meeting, actor=chairman)
    kinds = {n.recipient_id: n.kind for n in Notification.objects.filter(recipient__in=applicants)}
    assert kinds == {
        applicants[0].pk: "committee_approved",
        applicants[1].pk: "committee_not_approved",
    }


@pytest.mark.django_db
def test_the_audit_trail_records_the_meeting_but_no_cast():
    meeting, [item], voters, chairman = in_session(members=2)
    start = AuditEvent.objects.order_by("-pk").first().pk
    services.ballot_open(item=item, actor=chairman)
    vote_all(item, voters, ["consent", "oppose", "abstain"])
    services.ballot_close(item=item, actor=chairman)
    services.meeting_close(meeting=meeting, actor=chairman)
    events = list(AuditEvent.objects.filter(pk__gt=start).order_by("pk"))
    assert [e.action for e in events] == [
        "committee.ballot_open",
        "committee.ballot_close",
        "committee.meeting_close",
        "application.committee_not_approve",
    ]
    assert (events[1].object_type, events[1].object_id) == ("committee.agendaitem", str(item.pk))
    assert events[1].data == {
        "meeting": meeting.pk,
        "application": item.application_id,
        "present": 3,
        "recused": 0,
        "votes_cast": 3,
        "consent": 1,
        "oppose": 1,
        "abstain": 1,
        "approved": False,
    }


@pytest.mark.django_db
def test_committee_decision_is_none_until_the_ballot_closes():
    meeting, [item], voters, chairman = in_session(members=2)
    assert selectors.committee_decision(application=item.application) is None
    services.ballot_open(item=item, actor=chairman)
    assert selectors.committee_decision(application=item.application) is None
    vote_all(item, voters, [Choice.CONSENT] * 3)
    closed = services.ballot_close(item=item, actor=chairman)
    decision = selectors.committee_decision(application=item.application)
    assert decision == {
        "meeting": meeting,
        "minutes_url": f"/committee/meetings/{meeting.pk}/minutes/",
        "consent": 3,
        "oppose": 0,
        "abstain": 0,
        "present": 3,
        "recused": 0,
        "votes_cast": 3,
        "approved": True,
        "decided_at": closed.closed_at,
        "committee_name": "北京市高层次人才职称评审委员会",
        "committee_display": "北京市高层次人才职称评审委员会",
        "rule": "approved when consent votes are more than two-thirds of the members present",
        "arithmetic": "3 × 3 = 9 > 2 × 3 = 6: more than two thirds",
    }


@pytest.mark.django_db
def test_agenda_add_refuses_an_application_not_awaiting_the_committee():
    committee = committee_of(1)
    meeting = meeting_of(committee)
    with pytest.raises(RuleViolation):
        services.agenda_add(
            meeting=meeting,
            application=_in_state(S.PANEL_REVIEW),
            actor=committee.chairman,
        )


def _in_state(state):
    from tests.applications.factories import ApplicationFactory

    return ApplicationFactory(state=state)


@pytest.mark.django_db
def test_minutes_sign_freezes_the_pdf():
    meeting, [item], voters, chairman = in_session(members=2)
    services.ballot_open(item=item, actor=chairman)
    vote_all(item, voters, ["consent"] * 3)
    services.ballot_close(item=item, actor=chairman)
    services.meeting_close(meeting=meeting, actor=chairman)
    meeting = services.minutes_sign(meeting=meeting, actor=chairman)
    assert bytes(meeting.minutes_pdf).startswith(b"%PDF")
    assert meeting.status == MeetingStatus.CLOSED
    with pytest.raises(MeetingChangedMeanwhile):
        services.minutes_sign(meeting=meeting, actor=chairman)


@pytest.mark.django_db
def test_nothing_of_the_result_reaches_the_applicant_until_the_meeting_closes():
    meeting, [item], voters, chairman = in_session(members=2)
    applicant = item.application.applicant
    services.ballot_open(item=item, actor=chairman)
    vote_all(item, voters, ["consent"] * 3)
    services.ballot_close(item=item, actor=chairman)
    application = Application.objects.get(pk=item.application_id)
    assert application.state == S.COMMITTEE_REVIEW
    application_events = AuditEvent.objects.filter(
        object_type="applications.application", object_id=str(application.pk)
    )
    assert not application_events.filter(action="committee.ballot_close").exists()
    assert not application_events.filter(action__startswith="application.committee").exists()
    assert not Notification.objects.filter(recipient=applicant).exists()
    services.meeting_close(meeting=meeting, actor=chairman)
    assert Application.objects.get(pk=application.pk).state == S.BUREAU_REVIEW
    assert list(
        Notification.objects.filter(recipient=applicant).values_list("kind", flat=True)
    ) == ["committee_approved"]


@pytest.mark.django_db
def test_a_conflict_declared_on_the_panel_recuses_the_member_at_the_ballot():
    from review import services as review_services
    from review.models import Assignment
    from tests.review.factories import staff

    _meeting, [item], voters, chairman = in_session(members=3)
    member = voters[1]
    # The member also sits on the panel: assigned, declared a conflict there, released.
    assignment = Assignment.objects.create(
        application=item.application,
        expert=member,
        assigned_by=staff(),
        assigned_at=item.application.updated_at,
    )
    Application.objects.filter(pk=item.application_id).update(state=S.PANEL_REVIEW)
    review_services.assignment_declare_conflict(
        assignment=assignment, actor=member, reason="曾与申报人合作项目"
    )
    Application.objects.filter(pk=item.application_id).update(state=S.COMMITTEE_REVIEW)
    services.ballot_open(item=item, actor=chairman)
    recusal = Recusal.objects.get(item=item)
    assert (recusal.member_id, recusal.automatic) == (member.pk, True)
    assert recusal.reason == "declared a conflict of interest: 曾与申报人合作项目"
    with pytest.raises(RuleViolation, match="You are recused"):
        services.ballot_cast(item=item, member=member, choice="consent")


@pytest.mark.django_db
def test_a_recusal_declared_in_one_meeting_follows_the_member_to_the_next():
    _meeting, [item], voters, _chairman = in_session(members=2)
    services.recusal_declare(item=item, member=voters[1], actor=voters[1], reason="近亲属")
    from applications.parties import is_party

    assert is_party(voters[1], item.application)


@pytest.mark.django_db
def test_ballot_open_is_refused_when_every_member_present_is_recused():
    meeting, [item], voters, chairman = in_session(members=1)
    services.recusal_declare(item=item, member=voters[1], actor=chairman, reason="近亲属")
    add_recommender(item.application, "expert", email=chairman.email)
    with pytest.raises(RuleViolation) as error:
        services.ballot_open(item=item, actor=chairman)
    assert str(error.value.message) == (
        "Every member present is recused for this application, so nobody may vote on it: the "
        "ballot cannot open. The application stays awaiting the committee for another meeting."
    )
    item.refresh_from_db()
    assert (item.status, item.public_key, item.approved) == (BallotStatus.PENDING, None, None)
    assert list(Recusal.objects.filter(item=item).values_list("automatic", flat=True)) == [False]
    services.meeting_close(meeting=meeting, actor=chairman)
    assert Application.objects.get(pk=item.application_id).state == S.COMMITTEE_REVIEW


def _roll(meeting, actor, people):
    return services.roll_call(meeting=meeting, actor=actor, present_ids={u.pk for u in people})


@pytest.mark.django_db
def test_quorum_defaults_to_two_thirds_of_the_members_rounded_up():
    committee = committee_of(0)
    quorums = [selectors.quorum_of(committee, members=n) for n in (1, 3, 4, 5, 6, 7, 9)]
    assert quorums == [1, 2, 3, 4, 4, 5, 6]


@pytest.mark.django_db
def test_ballot_open_is_refused_without_a_quorum():
    committee = committee_of(4)  # five voting members: four must be present
    meeting = meeting_of(committee, awaiting_committee())
    chairman = committee.chairman
    members = list(committee.members.order_by("pk"))
    item = AgendaItem.objects.get(meeting=meeting)
    services.meeting_open(meeting=meeting, actor=chairman)
    _roll(meeting, chairman, [chairman, *members[:2]])
    with pytest.raises(RuleViolation) as refused:
        services.ballot_open(item=item, actor=chairman)
    assert str(refused.value.message) == (
        "The meeting has no quorum: 3 of 5 members are present and 4 must be. No ballot opens "
        "until enough members are present."
    )
    assert AgendaItem.objects.get(pk=item.pk).status == BallotStatus.PENDING
    _roll(meeting, chairman, [chairman, *members[:3]])
    assert services.ballot_open(item=item, actor=chairman).status == BallotStatus.OPEN


@pytest.mark.django_db
def test_the_committees_own_quorum_setting_is_the_rule():
    committee = committee_of(4)
    committee.quorum = 2
    committee.save()
    meeting = meeting_of(committee, awaiting_committee())
    chairman = committee.chairman
    item = AgendaItem.objects.get(meeting=meeting)
    services.meeting_open(meeting=meeting, actor=chairman)
    _roll(meeting, chairman, [chairman, committee.members.first()])
    assert services.ballot_open(item=item, actor=chairman).status == BallotStatus.OPEN


@pytest.mark.django_db
def test_the_vice_chairman_presides_in_the_chairmans_absence():
    committee = committee_of(3)
    vice, *others = list(committee.members.order_by("pk"))
    committee.vice_chairman = vice
    committee.save()
    meeting = meeting_of(committee, awaiting_committee())
    item = AgendaItem.objects.get(meeting=meeting)
    with pytest.raises(NotChairman):
        services.meeting_open(meeting=meeting, actor=others[0])
    services.meeting_open(meeting=meeting, actor=vice)
    _roll(meeting, vice, [vice, *others])
    meeting.refresh_from_db()
    assert meeting.presided_by_id == vice.pk
    with pytest.raises(NotChairman):  # absent, the chairman does not run it
        services.ballot_open(item=item, actor=committee.chairman)
    services.ballot_open(item=item, actor=vice)
    vote_all(item, [vice, *others], [Choice.CONSENT] * 3)
    services.ballot_close(item=item, actor=vice)
    services.meeting_close(meeting=meeting, actor=vice)
    assert Application.objects.get(pk=item.application_id).state == S.BUREAU_REVIEW


@pytest.mark.django_db
def test_the_chairman_on_the_roll_takes_the_chair_and_someone_must_preside():
    committee = committee_of(3)
    vice, *others = list(committee.members.order_by("pk"))
    committee.vice_chairman = vice
    committee.save()
    meeting = meeting_of(committee, awaiting_committee())
    services.meeting_open(meeting=meeting, actor=vice)
    with pytest.raises(RuleViolation, match="must be present to preside"):
        _roll(meeting, vice, others)
    _roll(meeting, vice, [committee.chairman, vice, *others])
    meeting.refresh_from_db()
    assert meeting.presided_by_id == committee.chairman_id
    with pytest.raises(NotChairman):
        _roll(meeting, vice, [vice, *others])
