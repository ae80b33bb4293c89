"""Writes for the committee (stage 3b): meetings, the roll, recusals and the secret ballot.

Rule 6: approved exactly when ``3 * consent > 2 * present`` (``titles.voting.is_approved``), with
present counted per item (present at the meeting minus those recused for the item).
Rule 7: a cast writes a :class:`Participation` (who) and an :class:`EncryptedBallot` (a sealed
choice) in one transaction; the private key lives only in memory at close, which writes only the
totals and deletes the sealed ballots. Casts are not audited (an audit row would share the cast's
transaction id); everything else is.
"""

import uuid
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationState
from applications.models import Application
from applications.parties import conflict_declare
from applications.services import application_transition, tell
from committee import crypto, permissions, selectors
from committee.enums import BallotStatus, Choice, MeetingStatus
from committee.errors import (
    AlreadyVoted,
    MeetingChangedMeanwhile,
    NotAllowed,
    NotChairman,
    RuleViolation,
)
from committee.minutes import minutes_pdf_render
from committee.models import (
    AgendaItem,
    Attendance,
    Committee,
    EncryptedBallot,
    Meeting,
    Participation,
    Recusal,
)
from review.conflicts import conflicts_among
from titles.audit import audit_record
from titles.notifications import notify
from titles.voting import RULE_TEXT as RULE_TEXT  # kept importable here; it lives with the rule
from titles.voting import is_approved


def _locked_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self", "committee"))
        .select_related("committee__chairman", "committee__vice_chairman")
        .get(pk=meeting.pk)
    )


def _chairman_only(actor, meeting: Meeting) -> None:
    if not permissions.can_run(actor, meeting):
        raise NotChairman


def _expect(condition: bool) -> None:
    if not condition:
        raise MeetingChangedMeanwhile


def meeting_create(
    *, committee: Committee, actor, starts_at: datetime, place: str = "", online_link: str = ""
) -> Meeting:
    """Schedule a meeting of the committee (the chairman); audited ``committee.meeting_create``."""
    if actor is None or actor.pk != committee.chairman_id:
        raise NotChairman
    if not place.strip() and not online_link.strip():
        raise RuleViolation(_("Give the place of the meeting or its online link."))
    # Not in the past (issue #22); the current minute still counts, as the form has no seconds.
    if starts_at < timezone.now().replace(second=0, microsecond=0):
        raise RuleViolation(_("A meeting cannot be scheduled in the past."))
    with transaction.atomic():
        meeting = Meeting.objects.create(
            committee=committee,
            starts_at=starts_at,
            place=place.strip(),
            online_link=online_link.strip(),
            created_by=actor,
        )
        audit_record(actor=actor, action="committee.meeting_create", obj=meeting)
        _tell_meeting_scheduled(meeting=meeting, actor=actor)
    return meeting


def agenda_add(*, meeting: Meeting, application: Application, actor) -> AgendaItem:
    """Put an application in committee review on the agenda of a scheduled meeting."""
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _chairman_only(actor, meeting)
        _expect(meeting.status == MeetingStatus.SCHEDULED)
        if not selectors.applications_for_agenda().filter(pk=application.pk).exists():
            raise RuleViolation(
                _("This application is not awaiting the committee or is on another agenda.")
            )
        position = meeting.items.count() + 1
        item = AgendaItem.objects.create(
            meeting=meeting, application=application, position=position
        )
        audit_record(
            actor=actor, action="committee.agenda_add", obj=meeting, data={"item": item.pk}
        )
        audit_record(
            actor=actor,
            action="committee.agenda_add",
            obj=application,
            data={"meeting": meeting.pk},
        )
    return item


def agenda_add_many(*, meeting: Meeting, applications, actor) -> list[AgendaItem]:
    """Put several applications on the agenda in one step (issue #23): all of them or none,
    in the order given."""
    applications = list(applications)
    if not applications:
        raise RuleViolation(_("Choose at least one application for the agenda."))
    with transaction.atomic():
        return [
            agenda_add(meeting=meeting, application=application, actor=actor)
            for application in applications
        ]


def agenda_leave_on_withdrawal(*, application: Application, actor) -> list[AgendaItem]:
    """The application was withdrawn (rule 11): take it off every agenda whose ballot on it has
    not opened (meetings not closed); audited, and each meeting's chairman told. Called in the
    withdrawal's transaction. A ballot already open or closed stays as it is."""
    items = list(
        AgendaItem.objects.select_for_update()
        .filter(application=application, status=BallotStatus.PENDING)
        .exclude(meeting__status=MeetingStatus.CLOSED)
        .select_related("meeting__committee__chairman")
    )
    for item in items:
        meeting = item.meeting
        item.delete()
        audit_record(
            actor=actor,
            action="committee.agenda_leave",
            obj=meeting,
            data={"application": application.pk},
        )
        audit_record(
            actor=actor,
            action="committee.agenda_leave",
            obj=application,
            data={"meeting": meeting.pk},
        )
        tell(
            [meeting.committee.chairman],
            application,
            "application_withdrawn",
            url=reverse("committee:meeting", args=[meeting.pk]),
        )
    return items


def meeting_open(*, meeting: Meeting, actor) -> Meeting:
    """The chairman opens the meeting, or the vice-chairman in the chairman's absence, and
    presides; then the roll is taken and ballots opened."""
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        if not permissions.may_preside(actor, meeting.committee):
            raise NotChairman
        _expect(meeting.status == MeetingStatus.SCHEDULED)
        day = timezone.localdate(meeting.starts_at)
        if timezone.localdate() < day:
            raise RuleViolation(
                _("The meeting can be opened on its day, %(date)s, not before.")
                % {"date": day.isoformat()}
            )
        meeting.status = MeetingStatus.OPEN
        meeting.opened_at = timezone.now()
        meeting.presided_by = actor
        meeting.save(update_fields=["status", "opened_at", "presided_by"])
        audit_record(
            actor=actor,
            action="committee.meeting_open",
            obj=meeting,
            from_state=MeetingStatus.SCHEDULED,
            to_state=MeetingStatus.OPEN,
            data={"presided_by": actor.pk},
        )
    return meeting


def roll_call(*, meeting: Meeting, actor, present_ids: set[int]) -> list[int]:
    """Record who is present (replaces the roll); refused while a ballot is open.

    The member presiding must be present: the chairman when on the roll, else the
    vice-chairman (rule 6); the chair passes accordingly (``meeting.presided_by``). A roll
    without either is refused.
    """
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _chairman_only(actor, meeting)
        _expect(meeting.status == MeetingStatus.OPEN)
        if selectors.open_item(meeting) is not None:
            raise RuleViolation(_("Close the open ballot before changing the roll."))
        voters = {user.pk for user in selectors.committee_voters(meeting.committee)}
        present = set(present_ids)
        if not present <= voters:
            raise RuleViolation(_("Only members of the committee can be present."))
        committee = meeting.committee
        if committee.chairman_id in present:
            presiding = committee.chairman_id
        elif committee.vice_chairman_id in present:
            presiding = committee.vice_chairman_id
        else:
            raise RuleViolation(
                _(
                    "The chairman, or the vice-chairman in the chairman's absence, must be "
                    "present to preside."
                )
            )
        if presiding != meeting.presided_by_id:
            meeting.presided_by_id = presiding
            meeting.save(update_fields=["presided_by"])
        Attendance.objects.filter(meeting=meeting).exclude(member_id__in=present).delete()
        known = selectors.present_member_ids(meeting)
        Attendance.objects.bulk_create(
            Attendance(meeting=meeting, member_id=pk) for pk in sorted(present - known)
        )
        audit_record(
            actor=actor,
            action="committee.roll_call",
            obj=meeting,
            data={"present": sorted(present), "presided_by": presiding},
        )
    return sorted(present)


def recusal_declare(*, item: AgendaItem, member, actor, reason: str) -> Recusal:
    """A member (or the chairman for them) declares a conflict: the member is recused."""
    reason = reason.strip()
    if not reason:
        raise RuleViolation(_("Say why the member is recused."))
    with transaction.atomic():
        meeting = _locked_meeting(item.meeting)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        if actor.pk != member.pk:
            _chairman_only(actor, meeting)
        if not permissions.is_in_committee(member, meeting.committee):
            raise NotAllowed
        if meeting.status == MeetingStatus.CLOSED or item.status != BallotStatus.PENDING:
            raise RuleViolation(_("Recusals are recorded before the ballot on the item opens."))
        recusal, created = Recusal.objects.get_or_create(
            item=item, member=member, defaults={"reason": reason[:500]}
        )
        if created:
            # Rule 5: a conflict the member declares follows them to every later stage.
            conflict_declare(
                application=item.application, person=member, stage="committee", reason=reason[:500]
            )
            audit_record(
                actor=actor,
                action="committee.recusal",
                obj=item.application,
                reason=reason[:500],
                data={"item": item.pk, "member": member.pk, "automatic": False},
            )
    return recusal


def ballot_open(*, item: AgendaItem, actor) -> AgendaItem:
    """Open the secret ballot on one item: recuse the conflicted, make the item's key pair.

    Only the public key and the salt are stored; the private key is derived again at close.
    """
    with transaction.atomic():
        meeting = _locked_meeting(item.meeting)
        _chairman_only(actor, meeting)
        item = AgendaItem.objects.select_for_update().select_related("application").get(pk=item.pk)
        _expect(meeting.status == MeetingStatus.OPEN and item.status == BallotStatus.PENDING)
        if item.application.state != ApplicationState.COMMITTEE_REVIEW:
            raise RuleViolation(_("This application is no longer awaiting the committee."))
        if selectors.open_item(meeting) is not None:
            raise RuleViolation(_("Another ballot is open: close it first."))
        present = selectors.present_member_ids(meeting)
        if not present:
            raise RuleViolation(_("Take the roll before opening a ballot."))
        # Rule 6: the meeting proceeds only with a quorum of its committee's members present.
        members = len(selectors.committee_voters(meeting.committee))
        quorum = selectors.quorum_of(meeting.committee, members=members)
        if len(present) < quorum:
            raise RuleViolation(
                _(
                    "The meeting has no quorum: %(present)s of %(members)s members are present "
                    "and %(quorum)s must be. No ballot opens until enough members are present."
                )
                % {"present": len(present), "members": members, "quorum": quorum}
            )
        recused = selectors.recused_member_ids(item)
        members = list(get_user_model().objects.filter(pk__in=present - recused))
        conflicts = conflicts_among(members, item.application)
        for member in members:
            reasons = conflicts[member.pk]
            if reasons:
                text = "; ".join(str(reason) for reason in reasons)
                Recusal.objects.create(item=item, member=member, reason=text[:500], automatic=True)
                audit_record(
                    actor=actor,
                    action="committee.recusal",
                    obj=item.application,
                    reason=text[:500],
                    data={"item": item.pk, "member": member.pk, "automatic": True},
                )
        # Rule 6: a ballot opens only when someone present may vote; everyone recused would
        # read as "not approved". Refused (the automatic recusals with it): the item stays
        # pending and the application awaits another meeting.
        if not present - selectors.recused_member_ids(item):
            raise RuleViolation(
                _(
                    "Every member present is recused for this application, so nobody may vote "
                    "on it: the ballot cannot open. The application stays awaiting the "
                    "committee for another meeting."
                )
            )
        item.ballot_salt = crypto.ballot_salt_new()
        item.public_key = crypto.item_public_key(item_id=item.pk, salt=item.ballot_salt)
        item.status = BallotStatus.OPEN
        item.opened_at = timezone.now()
        item.save(update_fields=["ballot_salt", "public_key", "status", "opened_at"])
        audit_record(
            actor=actor,
            action="committee.ballot_open",
            obj=item.application,
            data={"meeting": meeting.pk, "item": item.pk},
        )
        _tell_ballot_open(item=item, meeting=meeting, actor=actor)
    return item


def _tell_ballot_open(*, item: AgendaItem, meeting: Meeting, actor) -> None:
    """Each member who votes on the item (present, not recused) but the one who opened it is
    told in the application (no email: the ballot is open during the meeting only)."""
    voting = selectors.present_member_ids(meeting) - selectors.recused_member_ids(item)
    for member in get_user_model().objects.filter(pk__in=voting - {actor.pk}):
        notify(
            recipient=member,
            kind="committee_ballot_opened",
            context={"reference": item.application.reference},
            url=reverse("committee:item", args=[item.pk]),
            email=False,
        )


def _tell_meeting_scheduled(*, meeting: Meeting, actor) -> None:
    """Each member of the committee but the chairman who scheduled it is told, by email too."""
    when = timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d %H:%M")
    for member in selectors.committee_voters(meeting.committee):
        if member.pk != actor.pk:
            notify(
                recipient=member,
                kind="committee_meeting_scheduled",
                context={
                    "committee": meeting.committee.name,
                    "when": when,
                    "place": meeting.place or meeting.online_link,
                },
                url=reverse("committee:meeting", args=[meeting.pk]),
            )


# One statement does a whole cast (rule 7, issue #12). It locks the item row FOR SHARE (casts run
# side by side; ballot_close's FOR UPDATE waits for those in flight, and a cast that waited for a
# close sees the closed status), reads the ballot's and the meeting's status, the roll and the
# recusals, and writes the participation and the sealed ballot only when all allow it and the
# ballot was sealed to the item's public key. ON CONFLICT DO NOTHING on (item, member) replaces a
# savepoint and an IntegrityError: no participation returned means the member voted already, and
# then no ballot is written either. A single statement is atomic on its own (no BEGIN/COMMIT
# round trips in autocommit), so a cast is one round trip instead of ten and no ORM.
_CAST_SQL = """
WITH item AS (
    SELECT i.public_key,
        i.status = %(open)s AND (
            SELECT m.status FROM committee_meeting m WHERE m.id = i.meeting_id
        ) = %(meeting_open)s AS is_open,
        EXISTS (
            SELECT 1 FROM committee_attendance a
            WHERE a.meeting_id = i.meeting_id AND a.member_id = %(member)s
        ) AS present,
        EXISTS (
            SELECT 1 FROM committee_recusal r
            WHERE r.item_id = %(item)s AND r.member_id = %(member)s
        ) AS recused
    FROM committee_agendaitem i
    WHERE i.id = %(item)s
    FOR SHARE
), participation AS (
    INSERT INTO committee_participation (id, item_id, member_id)
    SELECT %(participation)s, %(item)s, %(member)s FROM item
    WHERE is_open AND present AND NOT recused AND public_key = %(public_key)s
    ON CONFLICT (item_id, member_id) DO NOTHING
    RETURNING 1
), ballot AS (
    INSERT INTO committee_encryptedballot (id, item_id, ciphertext)
    SELECT %(ballot)s, %(item)s, %(ciphertext)s FROM participation
)
SELECT is_open, present, recused, public_key, EXISTS (SELECT 1 FROM participation) FROM item
"""


def _cast_once(*, item_pk: int, member_pk: int, public_key, choice: str):
    """One try at the cast statement, sealed to ``public_key`` (None: not known yet)."""
    ciphertext = (
        None
        if public_key is None
        else crypto.ballot_seal(item_id=item_pk, public_key=public_key, choice=choice)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _CAST_SQL,
            {
                "open": BallotStatus.OPEN.value,
                "meeting_open": MeetingStatus.OPEN.value,
                "item": item_pk,
                "member": member_pk,
                "public_key": None if public_key is None else bytes(public_key),
                "participation": uuid.uuid4(),
                "ballot": uuid.uuid4(),
                "ciphertext": ciphertext,
            },
        )
        return cursor.fetchone()


def ballot_cast(*, item: AgendaItem, member, choice: str) -> None:
    """Cast ``member``'s vote: a participation row and a sealed ballot, nothing linking them.

    Refused when the ballot is not open, the member is absent or recused, or has voted already.
    Not audited and not logged (rule 7).
    """
    if choice not in Choice.values:
        raise RuleViolation(_("Choose consent, oppose or abstain."))
    # Sealed to the key the caller's item carries (the views load it with the item); an item
    # loaded before the ballot opened has none: the statement then writes nothing and answers
    # the stored key, and the cast is sealed to it and tried again. An open ballot's key never
    # changes (it is made once, at open).
    public_key = item.public_key
    for _attempt in range(2):
        row = _cast_once(item_pk=item.pk, member_pk=member.pk, public_key=public_key, choice=choice)
        if row is None:
            raise AgendaItem.DoesNotExist("AgendaItem matching query does not exist.")
        is_open, present, recused, stored_key, cast = row
        if not is_open:
            raise RuleViolation(_("The ballot on this application is not open."))
        if not present:
            raise RuleViolation(_("Only members present at the meeting may vote."))
        if recused:
            raise RuleViolation(_("You are recused for this application and may not vote."))
        if cast:
            return
        if public_key is not None and bytes(stored_key) == bytes(public_key):
            raise AlreadyVoted
        public_key = stored_key
    raise RuntimeError("The open ballot's public key changed during a cast.")


def ballot_close(*, item: AgendaItem, actor) -> AgendaItem:
    """Close the ballot: decrypt in memory, keep only the totals and the result.

    Refused until every member present and not recused has voted (rule 6). One transaction: the
    item row FOR UPDATE (no cast slips in), the sealed ballots read and deleted, the totals
    written and audited on the agenda item. After the commit the sealed ballots' table is
    rewritten (``sealed_ballots_rewrite``), so the deleted ballots' bytes leave its files. The
    application moves (and its applicant is told) when the meeting closes, so that nothing of a
    result reaches an applicant while the meeting runs.
    """
    with transaction.atomic():
        meeting = _locked_meeting(item.meeting)
        _chairman_only(actor, meeting)
        item = AgendaItem.objects.select_for_update().select_related("application").get(pk=item.pk)
        _expect(meeting.status == MeetingStatus.OPEN and item.status == BallotStatus.OPEN)
        # Rule 6: the tally of a ballot that not everyone has cast can reveal a choice (one vote
        # of four present: the tally is the ballot). The item is locked: no cast slips in now.
        waiting = selectors.members_yet_to_vote(item)
        if waiting:
            raise RuleViolation(
                _(
                    "The ballot closes only when every member present and not recused has voted "
                    "(abstaining is a vote): %(count)s not yet, listed on the page."
                )
                % {"count": len(waiting)}
            )
        private_key = crypto.item_private_key(item_id=item.pk, salt=item.ballot_salt)
        counts = {choice: 0 for choice in Choice.values}
        for ciphertext in EncryptedBallot.objects.filter(item=item).values_list(
            "ciphertext", flat=True
        ):
            try:
                choice = crypto.ballot_open(
                    item_id=item.pk, private_key=private_key, ciphertext=ciphertext
                )
            except crypto.BallotUnreadable:
                raise RuleViolation(
                    _("A ballot cannot be read with this server's key: nothing was changed.")
                ) from None
            counts[choice] += 1
        del private_key
        votes_cast = sum(counts.values())
        if votes_cast != Participation.objects.filter(item=item).count():
            raise RuleViolation(
                _("The ballots do not match the participations: nothing was changed.")
            )
        present_at_meeting = selectors.present_member_ids(meeting)
        recused = len(present_at_meeting & selectors.recused_member_ids(item))
        present = len(present_at_meeting) - recused
        approved = is_approved(counts[Choice.CONSENT], present)
        EncryptedBallot.objects.filter(item=item).delete()
        item.status = BallotStatus.CLOSED
        item.closed_at = timezone.now()
        item.ballot_salt = None
        item.present, item.recused, item.votes_cast = present, recused, votes_cast
        item.consent = counts[Choice.CONSENT]
        item.oppose = counts[Choice.OPPOSE]
        item.abstain = counts[Choice.ABSTAIN]
        item.approved = approved
        item.save()
        totals = {
            "present": present,
            "recused": recused,
            "votes_cast": votes_cast,
            "consent": item.consent,
            "oppose": item.oppose,
            "abstain": item.abstain,
            "approved": approved,
        }
        # Recorded on the agenda item, not the application: the applicant's timeline shows
        # nothing of the result until the meeting closes.
        audit_record(
            actor=actor,
            action="committee.ballot_close",
            obj=item,
            data={"meeting": meeting.pk, "application": item.application_id, **totals},
        )
        transaction.on_commit(sealed_ballots_rewrite, robust=True)
    return item


def sealed_ballots_rewrite() -> None:
    """Rewrite the sealed ballots' table so that deleted ballots leave its files.

    Deleted rows stay in the table's pages, readable on disk, until their space is reused. A
    plain VACUUM frees the space but leaves the bytes where a live ballot of another open item
    shares the page; VACUUM FULL copies every row that a running transaction might still see,
    so one long request elsewhere keeps them. Instead, in one short transaction that holds the
    table exclusively (casts wait for it): copy the live rows aside, TRUNCATE (the old files are
    dropped whatever other snapshots exist) and put them back. The table holds only the
    ballots of items still open, so this takes milliseconds. The ballots kept go back in random
    order, in one transaction: their physical order and transaction id no longer follow their
    casts (and so their participations). Runs after the close commits, in its own transaction
    (inside the close, a cast of the same item waiting for its row lock would deadlock with the
    table lock); ``on_commit(robust=True)`` logs a failure."""
    table = connection.ops.quote_name(EncryptedBallot._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"CREATE TEMPORARY TABLE kept_ballots ON COMMIT DROP AS TABLE {table}")
        cursor.execute(f"TRUNCATE {table}")
        cursor.execute(f"INSERT INTO {table} SELECT * FROM kept_ballots ORDER BY random()")  # noqa: S608


def _decide(*, item: AgendaItem, meeting: Meeting, actor) -> None:
    """Move the item's application by its ballot's result and tell the applicant."""
    kind = "committee_approved" if item.approved else "committee_not_approved"
    with application_transition(
        application=item.application,
        actor=actor,
        name="committee_approve" if item.approved else "committee_not_approve",
        allowed=lambda who, application: (
            application.state == ApplicationState.COMMITTEE_REVIEW
            and permissions.can_run(who, meeting)
        ),
        data={  # worded per language: committee.apps
            "consent": item.consent,
            "oppose": item.oppose,
            "abstain": item.abstain,
            "present": item.present,
            "recused": item.recused,
        },
    ) as locked:
        tell(
            [locked.applicant],
            locked,
            kind,
            consent=item.consent,
            present=item.present,
            left=3 * item.consent,
            right=2 * item.present,
        )


def meeting_close(*, meeting: Meeting, actor) -> Meeting:
    """Close the meeting (no ballot may be open); decided applications move, applicants are told.

    Each application whose ballot closed moves to ``bureau_review`` or ``not_approved`` by its
    result (``committee_approve`` / ``committee_not_approve``, audited), in this transaction.
    """
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _chairman_only(actor, meeting)
        _expect(meeting.status == MeetingStatus.OPEN)
        if selectors.open_item(meeting) is not None:
            raise RuleViolation(_("Close the open ballot before closing the meeting."))
        meeting.status = MeetingStatus.CLOSED
        meeting.closed_at = timezone.now()
        meeting.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=actor,
            action="committee.meeting_close",
            obj=meeting,
            from_state=MeetingStatus.OPEN,
            to_state=MeetingStatus.CLOSED,
        )
        for item in meeting.items.filter(status=BallotStatus.CLOSED).select_related(
            "application__applicant"
        ):
            _decide(item=item, meeting=meeting, actor=actor)
    return meeting


def minutes_sign(*, meeting: Meeting, actor) -> Meeting:
    """The chairman signs the minutes off: the PDF is rendered once and kept, frozen."""
    with transaction.atomic():
        meeting = _locked_meeting(meeting)
        _chairman_only(actor, meeting)
        _expect(meeting.status == MeetingStatus.CLOSED and meeting.minutes_signed_at is None)
        meeting.minutes_signed_at = timezone.now()
        meeting.minutes_signed_by = actor
        meeting.minutes_pdf = minutes_pdf_render(meeting=meeting)
        meeting.save(update_fields=["minutes_signed_at", "minutes_signed_by", "minutes_pdf"])
        audit_record(actor=actor, action="committee.minutes_sign", obj=meeting)
    return meeting
