"""The "3+1" recommenders: invitations, links, codes and opinions."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import permissions
from applications.enums import (
    ACTIVE_RECOMMENDER_STATUSES,
    EXPERTS_REQUIRED,
    HEAD_KIND_FOR_CATEGORY,
    ApplicationState,
    Category,
    MaterialSlot,
    RecommenderKind,
    RecommenderStatus,
)
from applications.errors import ChangedMeanwhile, NotAllowed, RuleViolation
from applications.models import Application, Material, Recommender
from applications.notifications import CODE_VALID_MINUTES
from applications.services.base import tell
from applications.services.materials import document_check, files_removed_on_failure, version_add
from titles.audit import audit_record
from titles.models import OutboxEmail
from titles.notifications import email_to_address

RECOMMENDER_TOKEN_SALT = "applications.recommender.invitation"  # noqa: S105 - a salt
CODE_MAX_ATTEMPTS = 5
# How long a browser that entered the emailed code may open and send the recommendation.
CONFIRMATION_VALID = timedelta(hours=2)
REMIND_INTERVAL = timedelta(hours=24)


# --- recommenders ----------------------------------------------------------------------------


def recommender_token(recommender: Recommender) -> str:
    payload = {"r": recommender.pk, "a": recommender.application_id, "n": recommender.token_nonce}
    return signing.dumps(payload, salt=RECOMMENDER_TOKEN_SALT, compress=True)


def recommender_from_token(token: str, *, max_age_days: int | None = None) -> Recommender:
    """The recommender a link is for; refuses expired, altered, replaced or reused links."""
    max_age = timedelta(days=max_age_days or settings.RECOMMENDER_LINK_DAYS)
    try:
        payload = signing.loads(token, salt=RECOMMENDER_TOKEN_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise RuleViolation(
            _("This link has expired. Ask the applicant to send a reminder.")
        ) from error
    except signing.BadSignature as error:
        raise RuleViolation(_("This link is not valid.")) from error
    if not isinstance(payload, dict) or set(payload) != {"r", "a", "n"}:
        raise RuleViolation(_("This link is not valid."))
    recommender = (
        Recommender.objects.select_related("application", "application__applicant")
        .filter(pk=payload["r"], application_id=payload["a"], token_nonce=payload["n"])
        .exclude(status=RecommenderStatus.REPLACED)
        .first()
    )
    if recommender is None:
        raise RuleViolation(_("This link is no longer valid."))
    return recommender


def _invitation_url(recommender: Recommender) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "applications:recommend", args=[recommender_token(recommender)]
    )


def _send_invitation(recommender: Recommender, *, reminder: bool) -> None:
    application = recommender.application
    context = {
        "recommender": recommender.name,
        "applicant": application.applicant.display_name,
        "url": _invitation_url(recommender),
        "days": settings.RECOMMENDER_LINK_DAYS,
    }
    email_to_address(
        to_address=recommender.email,
        language=recommender.language,  # chosen by the applicant for this person
        kind="recommender_reminder" if reminder else "recommender_invitation",
        context=context,
    )


def recommender_invite(
    *,
    application: Application,
    actor,
    kind: str,
    name: str,
    email: str,
    organization_name: str,
    stated_title: str,
    head_kind: str = "",
    language: str = "",
) -> Recommender:
    """Name one of the "3+1" and send them their personal link, in ``language`` (the
    applicant's own language when not given)."""
    email = email.strip().lower()
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not permissions.can_edit(actor, locked):
            raise NotAllowed
        active = locked.recommenders.filter(status__in=ACTIVE_RECOMMENDER_STATUSES)
        if email == (locked.applicant.email or "").strip().lower():
            raise RuleViolation(_("You cannot recommend yourself: name someone else."))
        if active.filter(email=email).exists():
            raise RuleViolation(_("This person is already one of your recommenders."))
        if kind == RecommenderKind.EXPERT:
            if active.filter(kind=kind).count() >= EXPERTS_REQUIRED:
                raise RuleViolation(_("You already have three expert recommenders."))
            head_kind = ""
        elif kind == RecommenderKind.HEAD:
            if active.filter(kind=kind).exists():
                raise RuleViolation(_("You already have a head recommender."))
            if not locked.category:
                raise RuleViolation(_("Choose your category first: it decides who the head is."))
            if head_kind != HEAD_KIND_FOR_CATEGORY[Category(locked.category)]:
                raise RuleViolation(
                    _("For your category the head recommender must be: %(kind)s.")
                    % {"kind": HEAD_KIND_FOR_CATEGORY[Category(locked.category)].label}
                )
        else:
            raise RuleViolation(_("Unknown kind of recommender."))
        try:
            with transaction.atomic():
                recommender = Recommender.objects.create(
                    application=locked,
                    kind=kind,
                    head_kind=head_kind,
                    name=name.strip(),
                    email=email,
                    organization_name=organization_name.strip(),
                    stated_title=stated_title.strip(),
                    language=language
                    if language in dict(settings.LANGUAGES)
                    else locked.applicant.preferred_language,
                    token_nonce=secrets.token_hex(16),
                    invited_at=timezone.now(),
                )
        except IntegrityError as error:
            raise RuleViolation(_("This person is already one of your recommenders.")) from error
        audit_record(
            actor=actor,
            action="recommender.invite",
            obj=locked,
            data={"recommender": recommender.pk, "kind": kind},
        )
        _send_invitation(recommender, reminder=False)
    return recommender


def recommender_remind(*, recommender: Recommender, actor) -> Recommender:
    """Send the link again to a recommender who has not responded (once a day at most)."""
    with transaction.atomic():
        Application.objects.select_for_update().get(pk=recommender.application_id)
        locked = Recommender.objects.select_for_update().get(pk=recommender.pk)
        if not permissions.can_edit(actor, locked.application):
            raise NotAllowed
        if locked.status not in (RecommenderStatus.INVITED, RecommenderStatus.VERIFIED):
            raise RuleViolation(_("Only a recommender who has not responded can be reminded."))
        last = locked.reminded_at or locked.invited_at
        if timezone.now() - last < REMIND_INTERVAL:
            raise RuleViolation(_("A reminder can be sent once a day."))
        locked.reminded_at = timezone.now()
        locked.save(update_fields=["reminded_at"])
        audit_record(
            actor=actor,
            action="recommender.remind",
            obj=locked.application,
            data={"recommender": locked.pk},
        )
        _send_invitation(locked, reminder=True)
    return locked


def recommender_replace(*, recommender: Recommender, actor, **invitation) -> Recommender:
    """Retire a recommender who has not responded (their link stops working) and invite another."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=recommender.application_id)
        locked = Recommender.objects.select_for_update().get(pk=recommender.pk)
        if not permissions.can_edit(actor, application):
            raise NotAllowed
        if locked.status == RecommenderStatus.RESPONDED:
            raise RuleViolation(_("A recommender who has responded cannot be replaced."))
        if locked.status == RecommenderStatus.REPLACED:
            raise ChangedMeanwhile
        locked.status = RecommenderStatus.REPLACED
        locked.token_nonce = secrets.token_hex(16)
        locked.save(update_fields=["status", "token_nonce"])
        audit_record(
            actor=actor,
            action="recommender.replace",
            obj=application,
            data={"recommender": locked.pk},
        )
        return recommender_invite(
            application=application,
            actor=actor,
            kind=locked.kind,
            head_kind=invitation.pop("head_kind", locked.head_kind),
            **invitation,
        )


def _code_digest(recommender: Recommender, code: str) -> str:
    key = hashlib.sha256(f"{settings.SECRET_KEY}:recommender-code".encode()).digest()
    message = f"{recommender.pk}:{recommender.token_nonce}:{code}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def recommender_confirmation(recommender: Recommender) -> str:
    """The proof that a browser entered the latest code: a keyed hash of the recommender, their
    link's nonce and the moment of that confirmation. Kept in that browser's session only; a
    later confirmation (another browser) or a new link makes it worthless."""
    if recommender.verified_at is None:
        return ""
    key = hashlib.sha256(f"{settings.SECRET_KEY}:recommender-confirmation".encode()).digest()
    message = f"{recommender.pk}:{recommender.token_nonce}:{recommender.verified_at.isoformat()}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def recommender_confirmed(*, recommender: Recommender, confirmation: str | None) -> bool:
    """Whether the browser holding ``confirmation`` may open and send the recommendation: it
    entered the latest emailed code, less than ``CONFIRMATION_VALID`` ago."""
    proof = recommender_confirmation(recommender)
    return bool(
        proof
        and confirmation
        and recommender.status == RecommenderStatus.VERIFIED
        and timezone.now() < recommender.verified_at + CONFIRMATION_VALID
        and hmac.compare_digest(proof, str(confirmation))
    )


def recommender_send_code(*, recommender: Recommender) -> None:
    """Email a six-digit code that proves the person opening the link reads that mailbox
    (again for each browser: a confirmation belongs to the browser that entered the code)."""
    with transaction.atomic():
        locked = Recommender.objects.select_for_update().get(pk=recommender.pk)
        if locked.status not in (RecommenderStatus.INVITED, RecommenderStatus.VERIFIED):
            raise RuleViolation(_("Your recommendation has already been recorded."))
        # Each code is an email: at most RECOMMENDER_CODES_PER_HOUR to one address an hour,
        # counted from the outbox (shared by every machine; kept when bodies are erased).
        sent = OutboxEmail.objects.filter(
            kind="recommender_code",
            to_address=locked.email,
            created_at__gte=timezone.now() - timedelta(hours=1),
        ).count()
        if sent >= settings.RECOMMENDER_CODES_PER_HOUR:
            raise RuleViolation(
                _(
                    "Several codes were sent to this address in the last hour. Use the latest "
                    "one, or ask for a new code in an hour."
                )
            )
        code = f"{secrets.randbelow(1_000_000):06d}"
        locked.code_hash = _code_digest(locked, code)
        locked.code_expires_at = timezone.now() + timedelta(minutes=CODE_VALID_MINUTES)
        locked.code_attempts = 0
        locked.save(update_fields=["code_hash", "code_expires_at", "code_attempts"])
        email_to_address(
            to_address=locked.email,
            language=locked.language,
            kind="recommender_code",
            context={"code": code, "minutes": CODE_VALID_MINUTES},
        )


def recommender_verify_code(*, recommender: Recommender, code: str, user=None) -> str:
    """Confirm the recommender's identity with the emailed code, for the browser that entered
    it: returns the confirmation (``recommender_confirmation``), which the caller keeps in that
    browser's session and passes to ``recommender_respond``. A confirmation in another browser
    replaces it."""
    with transaction.atomic():
        locked = Recommender.objects.select_for_update().get(pk=recommender.pk)
        if (
            user is not None
            and user.is_authenticated
            and user.pk == locked.application.applicant_id
        ):
            raise RuleViolation(_("You cannot write a recommendation for your own application."))
        if locked.status not in (RecommenderStatus.INVITED, RecommenderStatus.VERIFIED):
            raise RuleViolation(_("Your recommendation has already been recorded."))
        if not locked.code_hash or locked.code_expires_at < timezone.now():
            raise RuleViolation(_("The code has expired. Ask for a new one."))
        if locked.code_attempts >= CODE_MAX_ATTEMPTS:
            raise RuleViolation(_("Too many wrong codes. Ask for a new one."))
        if not hmac.compare_digest(locked.code_hash, _code_digest(locked, code.strip())):
            locked.code_attempts += 1
            locked.save(update_fields=["code_attempts"])
            raise RuleViolation(_("The code is not correct."))
        locked.status = RecommenderStatus.VERIFIED
        locked.verified_at = timezone.now()
        locked.code_hash = ""
        locked.save(update_fields=["status", "verified_at", "code_hash"])
        audit_record(
            actor=None,
            action="recommender.verify",
            obj=locked.application,
            data={"recommender": locked.pk},
        )
    return recommender_confirmation(locked)


def recommender_decline(*, recommender: Recommender, reason: str = "", user=None) -> Recommender:
    """The invited person says no (from their link; no code needed: declining opens nothing).
    The applicant is told and replaces them; a declined link opens nothing any more."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=recommender.application_id)
        locked = Recommender.objects.select_for_update().get(pk=recommender.pk)
        if user is not None and user.is_authenticated and user.pk == application.applicant_id:
            raise RuleViolation(_("You cannot answer for a recommender of your own application."))
        if locked.status == RecommenderStatus.RESPONDED:
            raise RuleViolation(_("Your recommendation has already been recorded."))
        if locked.status != RecommenderStatus.DECLINED:
            locked.status = RecommenderStatus.DECLINED
            locked.declined_at = timezone.now()
            locked.decline_reason = reason.strip()
            locked.code_hash = ""
            locked.save(update_fields=["status", "declined_at", "decline_reason", "code_hash"])
            audit_record(
                actor=None,
                action="recommender.decline",
                obj=application,
                data={"recommender": locked.pk},
            )
            tell(
                [application.applicant],
                application,
                "recommendation_declined",
                recommender=locked.name,
                reason=locked.decline_reason or "—",
            )
    return locked


def recommender_respond(
    *,
    recommender: Recommender,
    field: str,
    confirmation: str | None,
    senior_title: str = "",
    senior_title_level: str = "",
    title_certificate_number: str = "",
    opinion: str = "",
    letter_file=None,
    user=None,
) -> Recommender:
    """Record the recommender's title and their opinion (or signed letter). Final once sent.

    Only from the browser that entered the emailed code (``confirmation``, from
    ``recommender_verify_code``), while that confirmation lasts: the link alone is not enough.
    """
    checked = document_check(letter_file) if letter_file is not None else None
    with files_removed_on_failure() as stored, transaction.atomic():
        application = Application.objects.select_for_update().get(pk=recommender.application_id)
        locked = Recommender.objects.select_for_update().get(pk=recommender.pk)
        if user is not None and user.is_authenticated and user.pk == application.applicant_id:
            raise RuleViolation(_("You cannot write a recommendation for your own application."))
        if locked.status == RecommenderStatus.RESPONDED:
            raise RuleViolation(_("Your recommendation has already been recorded."))
        if locked.status == RecommenderStatus.DECLINED:
            raise RuleViolation(_("You have declined this invitation."))
        if locked.kind == RecommenderKind.EXPERT and not (
            senior_title.strip() and senior_title_level and title_certificate_number.strip()
        ):
            raise RuleViolation(
                _("An expert recommender gives their senior title, its level and certificate.")
            )
        if not recommender_confirmed(recommender=locked, confirmation=confirmation):
            raise RuleViolation(
                _(
                    "Confirm your identity with a new emailed code in this browser first (a "
                    "confirmation lasts %(hours)s hours, in the browser that entered the code)."
                )
                % {"hours": int(CONFIRMATION_VALID.total_seconds() // 3600)}
            )
        if application.state not in (ApplicationState.DRAFT, ApplicationState.RETURNED):
            raise RuleViolation(_("This application no longer takes recommendations."))
        if not opinion.strip() and letter_file is None:
            raise RuleViolation(_("Write your opinion or upload your signed letter."))
        if letter_file is not None:
            material = Material.objects.create(
                application=application, slot=MaterialSlot.RECOMMENDATION_LETTER, title=locked.name
            )
            locked.letter = version_add(
                material=material,
                checked=checked,
                uploaded_by=None,  # the recommender, through their link (rule 9)
                uploaded_by_recommender=locked,
                stored=stored,
            )
        locked.senior_title = senior_title.strip()
        locked.senior_title_level = senior_title_level
        locked.title_certificate_number = title_certificate_number.strip()
        locked.field = field.strip()
        locked.opinion = opinion.strip()
        locked.status = RecommenderStatus.RESPONDED
        locked.responded_at = timezone.now()
        locked.save()
        audit_record(
            actor=None,
            action="recommender.respond",
            obj=application,
            data={
                "recommender": locked.pk,
                **({"letter_version": locked.letter_id} if locked.letter_id else {}),
            },
        )
        tell(
            [application.applicant], application, "recommendation_received", recommender=locked.name
        )
    return locked
