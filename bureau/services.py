"""Writes for the bureau's stage: post-assessment decisions, the public notice, objections.

Every change of an application's state runs inside ``applications.services.
application_transition`` (lock, version check, permission, transition, audit); the bureau's own
rows are written in its block, in the same transaction, and notices go to the outbox.
"""

import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationState, ObjectionStatus
from applications.errors import ChangedMeanwhile, NotAllowed, RuleViolation
from applications.models import Application
from applications.services import (
    NoticeObjections,
    anyone,
    application_locked,
    application_transition,
    decision_reason,
    objection_decide,
    objection_evidence_attach,
    tell,
)
from applications.services.materials import document_check, files_removed_on_failure
from bureau import permissions
from bureau.models import (
    PublicNotice,
    PublicNoticeEntry,
    PublicObjection,
    SpecialIssuance,
    SpecialIssuanceStatus,
)
from titles import rate_limits, workdays
from titles.audit import audit_record, current_ip
from titles.deadlines import deadline_close, deadline_rule_register, deadline_track
from titles.enums import Role
from titles.models import Round
from titles.notification_kinds import deadline_context
from titles.people import users_with_role
from titles.sweep import sweeper
from titles.tasks import task_queue_on_commit

S = ApplicationState
MIN_NOTICE_WORKING_DAYS = workdays.NOTICE_WORKING_DAYS  # rule 2
MAX_NOTICE_WORKING_DAYS = 60
NOTICE_DEADLINE_RULE = "public_notice"
# Objections stored per client address in a rolling hour (see docs/decisions.md).
OBJECTIONS_PER_HOUR = getattr(settings, "BUREAU_OBJECTIONS_PER_HOUR", 5)
OBJECTION_LOCK_KEY = 727_010  # with the address hash: serialises one address's objections
REAL_NAME_MAX, CONTACT_MAX, STATEMENT_MAX = 100, 100, 5000
PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,19}$")
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

deadline_rule_register(NOTICE_DEADLINE_RULE, label=_("end of the public notice"))


def _bureau_staff():
    return users_with_role(Role.BUREAU_STAFF)


def _cancel_pending_issuances(application: Application, now: datetime) -> None:
    SpecialIssuance.objects.filter(
        application=application, status=SpecialIssuanceStatus.PENDING
    ).update(status=SpecialIssuanceStatus.CANCELLED, closed_at=now)


# --- the public notice -----------------------------------------------------------------------


def public_notice_period(*, published: datetime, working_days: int) -> tuple[datetime, bool]:
    """When a notice published at ``published`` ends (rule 2), and whether that is provisional.

    Raises ``RuleViolation`` for fewer than 5 working days (or more than the upper bound).
    """
    if working_days < MIN_NOTICE_WORKING_DAYS:
        raise RuleViolation(
            _("A notice lasts at least %(days)s working days.") % {"days": MIN_NOTICE_WORKING_DAYS}
        )
    if working_days > MAX_NOTICE_WORKING_DAYS:
        raise RuleViolation(
            _("A public notice lasts at most %(days)s working days.")
            % {"days": MAX_NOTICE_WORKING_DAYS}
        )
    deadline = workdays.deadline_compute(
        start=timezone.localdate(published), working_days=working_days
    )
    return deadline.due_at, deadline.provisional


def public_notice_publish(
    *,
    applications: list[Application],
    actor,
    working_days: int = MIN_NOTICE_WORKING_DAYS,
    title: str = "",
    versions: dict[int, int] | None = None,
) -> PublicNotice:
    """Publish several applications in one batch notice, now; all of them or none.

    Each application moves ``bureau_review`` -> ``public_notice`` (audited, its applicant told);
    the notice ends at the end of its last working day and is tracked, so that entering an
    official holiday schedule moves it later, never earlier. ``versions`` maps an application's
    pk to the version the page showed (a stale page raises ``ChangedMeanwhile``).
    """
    if not permissions.is_bureau_staff(actor):
        raise NotAllowed
    if not applications:
        raise RuleViolation(_("Choose at least one application for the notice."))
    published = timezone.now()
    ends_at, provisional = public_notice_period(published=published, working_days=working_days)
    # Empty: the standard title, worded in each reader's language (PublicNotice.heading).
    title = " ".join((title or "").split())[:200]
    versions = versions or {}
    pks = sorted({application.pk for application in applications})
    with transaction.atomic():
        # Every row lock before the first audit event (which holds the chain lock to commit).
        locked = list(Application.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
        if len(locked) != len(pks):
            raise ChangedMeanwhile
        notice = PublicNotice.objects.create(
            title=title,
            working_days=working_days,
            published_at=published,
            ends_at=ends_at,
            provisional=provisional,
            published_by=actor,
        )
        deadline_track(
            obj=notice,
            field="ends_at",
            start=timezone.localdate(published),
            working_days=working_days,
            rule=NOTICE_DEADLINE_RULE,
            provisional_field="provisional",
        )
        by_pk = {application.pk: application for application in applications}
        for application in locked:
            with application_transition(
                application=by_pk.get(application.pk, application),
                actor=actor,
                name="publish_notice",
                allowed=permissions.can_decide,
                reason=title,
                expected_version=versions.get(application.pk),
            ) as app:
                PublicNoticeEntry.objects.create(notice=notice, application=app)
                _cancel_pending_issuances(app, published)
                tell(
                    [app.applicant],
                    app,
                    "public_notice_published",
                    **deadline_context(
                        "end",
                        timezone.localtime(notice.ends_at).strftime("%Y-%m-%d"),
                        provisional=notice.provisional,
                    ),
                )
        audit_record(
            actor=actor,
            action="public_notice.publish",
            obj=notice,
            data={
                "applications": [application.reference for application in locked],
                "working_days": working_days,
                "ends_at": notice.ends_at.isoformat(),
                "provisional": notice.provisional,
            },
        )
    return notice


def _notice_close_if_done(notice: PublicNotice) -> None:
    """Stop tracking the notice's end once nobody is on it any more."""
    if not notice.entries.filter(application__state=S.PUBLIC_NOTICE).exists():
        deadline_close(obj=notice, field="ends_at")


@sweeper("public_notices")
def public_notices_sweep(now: datetime) -> list[str]:
    """Pass every applicant whose notice is over and who has no open objection (to certifying).

    The rest of a batch passes while one applicant's objection is open. Idempotent.
    """
    due = (
        PublicNoticeEntry.objects.filter(
            notice__ends_at__lt=now,
            passed_at__isnull=True,
            application__state=S.PUBLIC_NOTICE,
        )
        .exclude(objections__status=ObjectionStatus.OPEN)
        .order_by("pk")
    )
    changes = []
    for entry_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            entry = (
                PublicNoticeEntry.objects.select_for_update()
                .select_related("notice", "application")
                .get(pk=entry_id)
            )
            if entry.passed_at or entry.objections.filter(status=ObjectionStatus.OPEN).exists():
                continue
            try:
                with application_transition(
                    application=entry.application,
                    actor=None,
                    name="pass_public_notice",
                    allowed=anyone,
                ) as locked:
                    entry.passed_at = now
                    entry.save(update_fields=["passed_at"])
                    tell([locked.applicant], locked, "public_notice_passed")
            except ChangedMeanwhile:
                continue
            _notice_close_if_done(entry.notice)
            changes.append(f"application {locked.reference}: public_notice -> certifying")
    return changes


# --- objections from the public --------------------------------------------------------------


def client_hash(client_ip: str | None) -> str:
    """A keyed hash of the client's address (not reversible without the secret key)."""
    return rate_limits.client_hash(client_ip, purpose="bureau.public_objection.client")


def _rate_limited(hashed: str, now: datetime) -> bool:
    recent = PublicObjection.objects.filter(
        client_hash=hashed, created_at__gt=now - timedelta(hours=1)
    )
    return rate_limits.limit_reached(recent, limit=OBJECTIONS_PER_HOUR)


def _contact_valid(contact: str) -> bool:
    if PHONE.match(contact):
        return True
    try:
        validate_email(contact)
    except ValidationError:
        return False
    return True


def _reference_new(now: datetime) -> str:
    token = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"YY{timezone.localdate(now):%Y%m%d}-{token}"


RATE_LIMIT_MESSAGE = _(
    "Too many objections were sent from your network in the last hour. "
    "Please try again later, or write to the bureau."
)


def public_objection_raise(
    *,
    entry: PublicNoticeEntry,
    real_name: str,
    contact: str,
    statement: str,
    evidence=None,
    client_ip: str | None,
) -> PublicObjection:
    """Anyone objects to an applicant on a running public notice; returns it with its reference.

    Refuses (``RuleViolation``, ``UploadRefused``) and stores nothing for an empty or overlong
    field, a contact that is neither a phone number nor an email address, evidence that is not a
    PDF, JPEG or PNG document, a notice no longer running, or more than
    ``OBJECTIONS_PER_HOUR`` objections from one address within an hour. Bureau staff are told.
    """
    real_name = " ".join((real_name or "").split())
    contact = (contact or "").strip()
    statement = (statement or "").strip()
    if not real_name or not contact or not statement:
        raise RuleViolation(_("An objection needs your real name, a contact and a statement."))
    if len(real_name) > REAL_NAME_MAX or len(contact) > CONTACT_MAX:
        raise RuleViolation(
            _("The name and the contact are at most %(limit)s characters each.")
            % {"limit": REAL_NAME_MAX}
        )
    if len(statement) > STATEMENT_MAX:
        raise RuleViolation(
            _("The statement is longer than %(limit)s characters.") % {"limit": STATEMENT_MAX}
        )
    if not _contact_valid(contact):
        raise RuleViolation(_("Give a phone number or an email address where we can reach you."))
    hashed = client_hash(client_ip)
    if _rate_limited(hashed, timezone.now()):  # a cheap early refusal; checked again below
        raise RuleViolation(RATE_LIMIT_MESSAGE)
    checked = document_check(evidence) if evidence is not None else None
    with files_removed_on_failure() as stored, transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [OBJECTION_LOCK_KEY, hashed]
            )
        now = timezone.now()
        if _rate_limited(hashed, now):
            raise RuleViolation(RATE_LIMIT_MESSAGE)
        application = Application.objects.select_for_update().get(pk=entry.application_id)
        notice = entry.notice
        if application.state != S.PUBLIC_NOTICE or not (
            notice.published_at <= now <= notice.ends_at
        ):
            raise RuleViolation(_("This notice is no longer running."))
        objection = PublicObjection(
            entry=entry,
            reference=_reference_new(now),
            real_name=real_name,
            contact=contact,
            statement=statement,
            client_hash=hashed,
            created_at=now,
        )
        objection_evidence_attach(objection, checked=checked, stored=stored)
        objection.save()
        # The objector's address is kept only as the keyed hash above, not in the audit trail.
        address = current_ip.set(None)
        try:
            audit_record(
                actor=None,
                action="public_notice.objection",
                obj=application,
                data={"objection": objection.reference},
            )
        finally:
            current_ip.reset(address)
        tell(
            _bureau_staff(),
            application,
            "public_objection_raised",
            objection=objection.reference,
        )
    return objection


def _public_objection_upheld(*, application: Application, objection, actor, reason: str):
    """An upheld objection: the application is not approved (rule 13: with its reason)."""
    with application_transition(
        application=application,
        actor=actor,
        name="uphold_public_objection",
        allowed=permissions.can_decide_objection,
        reason=reason,
    ) as locked:
        tell([locked.applicant], locked, "public_objection_upheld", reason=reason)
    _notice_close_if_done(objection.entry.notice)


PUBLIC_NOTICE_OBJECTIONS = NoticeObjections(
    audit_prefix="public_notice",
    may_decide=permissions.may_decide_objection,
    decidable=permissions.can_decide_objection,  # while the applicant is on the notice
    uphold=_public_objection_upheld,
)


def public_objection_decide(
    *, objection: PublicObjection, actor, uphold: bool, reason: str
) -> PublicObjection:
    """Uphold (the application is not approved) or dismiss an open objection, with a reason
    (``objection_decide``)."""
    return objection_decide(
        objection=objection,
        actor=actor,
        uphold=uphold,
        reason=reason,
        notice=PUBLIC_NOTICE_OBJECTIONS,
    )


# --- the other two decisions: reject, or issue without a notice (four eyes) ------------------


def application_bureau_reject(
    *, application: Application, actor, reason: str, expected_version: int | None = None
) -> Application:
    """The bureau does not approve the application after its review (final), with a reason."""
    reason = decision_reason(
        reason, missing=_("Give the reason for not approving the application.")
    )
    with application_transition(
        application=application,
        actor=actor,
        name="bureau_reject",
        allowed=permissions.can_decide,
        reason=reason,
        expected_version=expected_version,
    ) as locked:
        _cancel_pending_issuances(locked, timezone.now())
        tell([locked.applicant], locked, "bureau_rejected", reason=reason)
    return locked


def special_issuance_propose(
    *, application: Application, actor, reason: str, expected_version: int | None = None
) -> SpecialIssuance:
    """Propose issuing without a public notice (special circumstances), with a written reason.

    Nothing changes state yet: a second, different bureau staff member must confirm. Audited;
    the other bureau staff are told.
    """
    reason = decision_reason(
        reason, missing=_("Give the special circumstances that make a public notice inappropriate.")
    )
    with application_locked(
        application=application,
        actor=actor,
        allowed=permissions.can_decide,
        expected_version=expected_version,
    ) as locked:
        if SpecialIssuance.objects.filter(
            application=locked, status=SpecialIssuanceStatus.PENDING
        ).exists():
            raise RuleViolation(_("An issuance without notice is already awaiting confirmation."))
        issuance = SpecialIssuance.objects.create(
            application=locked, reason=reason, proposed_by=actor, proposed_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="bureau.special_issuance_propose",
            obj=locked,
            reason=reason,
            data={"issuance": issuance.pk},
        )
        tell(
            _bureau_staff().exclude(pk=actor.pk),
            locked,
            "special_issuance_proposed",
            url=reverse("bureau:queue"),
            proposer=actor.display_name,
            reason=reason,
        )
    return issuance


def special_issuance_confirm(*, issuance: SpecialIssuance, actor) -> Application:
    """A second bureau staff member confirms: the application goes to ``certifying``.

    The proposer cannot confirm their own proposal (``RuleViolation``).
    """
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=issuance.application_id)
        locked = SpecialIssuance.objects.select_for_update().get(pk=issuance.pk)
        if not permissions.is_bureau_staff(actor):
            raise NotAllowed
        if locked.proposed_by_id == actor.pk:
            raise RuleViolation(
                _(
                    "You proposed this issuance without notice yourself: a second, different "
                    "bureau staff member must confirm it."
                )
            )
        if locked.status != SpecialIssuanceStatus.PENDING:
            raise ChangedMeanwhile
        with application_transition(
            application=application,
            actor=actor,
            name="issue_without_notice",
            allowed=permissions.can_decide,
            reason=locked.reason,
        ) as confirmed:
            locked.status = SpecialIssuanceStatus.CONFIRMED
            locked.confirmed_by = actor
            locked.closed_at = timezone.now()
            locked.save()
            tell([confirmed.applicant], confirmed, "issued_without_notice")
        # Issued at once (issue #22), not at the next sweep; the sweep still catches a lost task.
        task_queue_on_commit(
            "certificates.tasks.task_issue_certificate", application_id=confirmed.pk
        )
    return confirmed


def special_issuance_cancel(*, issuance: SpecialIssuance, actor) -> SpecialIssuance:
    """Withdraw a pending proposal (either bureau staff member may); audited."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=issuance.application_id)
        locked = SpecialIssuance.objects.select_for_update().get(pk=issuance.pk)
        if not permissions.is_bureau_staff(actor):
            raise NotAllowed
        if locked.status != SpecialIssuanceStatus.PENDING:
            raise ChangedMeanwhile
        locked.status = SpecialIssuanceStatus.CANCELLED
        locked.closed_at = timezone.now()
        locked.save()
        audit_record(
            actor=actor,
            action="bureau.special_issuance_cancel",
            obj=application,
            data={"issuance": locked.pk},
        )
    return locked


__all__ = [
    "application_bureau_reject",
    "client_hash",
    "public_notice_period",
    "public_notice_publish",
    "public_notices_sweep",
    "public_objection_decide",
    "public_objection_raise",
    "special_issuance_cancel",
    "special_issuance_confirm",
    "special_issuance_propose",
]


def round_open(*, actor, year: int, name: str, opens_on, closes_on) -> Round:
    """The bureau opens an application round (评审年度/批次, issue #23): applications first
    submitted between its dates belong to it."""
    if not permissions.is_bureau_staff(actor):
        raise NotAllowed
    name = " ".join((name or "").split())
    if not name:
        raise RuleViolation(_("Give the round a name."))
    if closes_on < opens_on:
        raise RuleViolation(_("A round closes on or after the day it opens."))
    if Round.objects.filter(name=name).exists():
        raise RuleViolation(_("A round of this name exists already."))
    with transaction.atomic():
        made = Round.objects.create(year=year, name=name, opens_on=opens_on, closes_on=closes_on)
        audit_record(
            actor=actor,
            action="bureau.round_open",
            obj=made,
            data={"opens_on": opens_on.isoformat(), "closes_on": closes_on.isoformat()},
        )
    return made
