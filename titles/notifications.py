"""Notifications: in-app notices and the email outbox.

Each stage registers the kinds of notice it sends with :func:`notification_kind_register` (from
its ``AppConfig.ready``) and calls :func:`notify` (a user) or :func:`email_to_address` (someone
without an account, such as an invited recommender) inside the transaction of the change that
causes the notice. Both only write rows: the email is queued with ``transaction.on_commit``, so a
change that rolls back tells nobody. :func:`task_send_email` sends it (locked, once),
retrying with backoff; the ``outbox`` sweeper queues again what a broker outage left behind.

Templates are ``gettext_lazy`` strings with ``%(name)s`` or ``{name}`` placeholders filled from the
notice's context. An email is rendered once, when written, in the recipient's language; an in-app
notice is rendered each time it is shown, in the viewer's language.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from titles.audit import audit_action_label_register, audit_record
from titles.models import Notification, OutboxEmail, OutboxStatus
from titles.notification_kinds import (
    NOTIFICATION_KINDS,
    NotificationKind,
    is_safe_relative_url,
    notification_kind,
    notification_kind_register,
    render_template,
)
from titles.sweep import sweeper

logger = logging.getLogger(__name__)

OUTBOX_MAX_ATTEMPTS = 5
OUTBOX_RETRY_BASE_SECONDS = 60  # attempt n failed: the next one in 60 * 2**(n-1) seconds
OUTBOX_REQUEUE_AFTER = timedelta(minutes=1)
OUTBOX_SWEEP_BATCH = 500
SUBJECT_MAX_LENGTH = 255


def _language(code: str | None) -> str:
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# --- writing: the services -------------------------------------------------------------------


def _render_email(
    *, spec: NotificationKind, context: Mapping, url: str, language: str
) -> tuple[str, str]:
    with translation.override(language):
        subject = " ".join(render_template(spec.subject, context).split())[:SUBJECT_MAX_LENGTH]
        parts = [render_template(spec.body, context).strip()]
        if url:
            link = settings.SITE_URL.rstrip("/") + url
            parts.append(_("Open this page to see more: %(link)s") % {"link": link})
        parts.append(
            _(
                "This message was sent automatically by the senior title assessment system of "
                "the Beijing Municipal Bureau of Human Resources and Social Security. "
                "Please do not reply."
            )
        )
    return subject, "\n\n".join(parts) + "\n"


def _queue_send(email_id: int) -> None:
    task_send_email.delay(email_id=email_id)


def _queue_send_later(email_id: int):
    """The on-commit callback that queues one email. A named function, not ``functools.partial``:
    Django logs a robust callback's failure by its ``__qualname__``, which a partial lacks, so a
    broker that is down at commit time raised AttributeError from the committed request."""

    def queue_send() -> None:
        _queue_send(email_id)

    return queue_send


def _outbox_write(
    *,
    spec: NotificationKind,
    to_address: str,
    language: str,
    context: Mapping,
    url: str,
    recipient=None,
    notification: Notification | None = None,
) -> OutboxEmail:
    subject, body = _render_email(spec=spec, context=context, url=url, language=language)
    email = OutboxEmail.objects.create(
        recipient=recipient,
        notification=notification,
        kind=spec.kind,
        to_address=to_address,
        language=language,
        subject=subject,
        body=body,
    )
    # robust: a broker that is down at commit time must not fail the committed change; the
    # outbox sweeper queues the email again a minute later.
    transaction.on_commit(_queue_send_later(email.pk), robust=True)
    return email


def _check_url(url: str) -> None:
    if url and not is_safe_relative_url(url):
        raise ValueError(f"A notification links only to a same-site path, not {url!r}.")


def notify(
    *, recipient, kind: str, context: Mapping | None = None, url: str = "", email: bool = True
) -> Notification:
    """Tell ``recipient`` something: an in-app notice and (``email``) an email in the outbox.

    Writes a :class:`Notification` and, when ``email`` is true and the recipient is active and
    has an address, an :class:`OutboxEmail` rendered in ``recipient.preferred_language``, both
    in the caller's transaction; the send is queued when that transaction commits (a rollback
    leaves no row and queues nothing). ``url`` must be a same-site path. Raises ``ValueError``
    for an unknown kind, an unsafe url or a context that lacks a placeholder.
    """
    spec = notification_kind(kind)
    context = dict(context or {})
    _check_url(url)
    language = _language(getattr(recipient, "preferred_language", None))
    with translation.override(language):
        render_template(spec.text or spec.subject, context)  # a missing placeholder fails here
    with transaction.atomic(savepoint=False):
        notification = Notification.objects.create(
            recipient=recipient, kind=kind, context=context, url=url
        )
        if email and recipient.is_active and recipient.email:
            _outbox_write(
                spec=spec,
                to_address=recipient.email,
                language=language,
                context=context,
                url=url,
                recipient=recipient,
                notification=notification,
            )
    return notification


def email_to_address(
    *, to_address: str, language: str, kind: str, context: Mapping | None = None, url: str = ""
) -> OutboxEmail:
    """Email someone who has no account (an invited recommender): an outbox row only.

    Rendered in ``language``; written in the caller's transaction and queued on commit, like
    :func:`notify`. Raises ``ValueError`` for an invalid address, an unknown kind or an unsafe url.
    """
    spec = notification_kind(kind)
    try:
        validate_email(to_address)
    except ValidationError:
        raise ValueError(f"{to_address!r} is not an email address.") from None
    _check_url(url)
    with transaction.atomic(savepoint=False):
        return _outbox_write(
            spec=spec,
            to_address=to_address,
            language=_language(language),
            context=dict(context or {}),
            url=url,
        )


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notice of ``user`` read now; returns how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one notice read (a notice already read keeps its first read time)."""
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


# --- reading: the selectors ------------------------------------------------------------------


def notifications_for(*, user) -> QuerySet[Notification]:
    """The user's own notices, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


# --- sending ---------------------------------------------------------------------------------


class OutboxSendOutcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # already sent or failed, or another worker is sending it right now
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class OutboxSendResult:
    outcome: OutboxSendOutcome
    retry_in: int | None = None  # seconds, when the outcome is RETRY


def outbox_retry_delay(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt: 60, 120, 240, 480."""
    return OUTBOX_RETRY_BASE_SECONDS * 2 ** (attempts - 1)


def outbox_email_send(*, email_id: int) -> OutboxSendResult:
    """Send one pending outbox email, at most once.

    Locks the row (``SELECT ... FOR UPDATE SKIP LOCKED``) and sends only if it is still pending,
    then marks it sent in the same transaction. A failed attempt is counted with its error: the
    email stays pending with its next attempt due after a backoff (``RETRY``), or after
    ``OUTBOX_MAX_ATTEMPTS`` attempts is marked failed (``FAILED``) and its recipient, if a user,
    gets an in-app notice. Another worker holding the lock, or a row no longer pending, is
    ``SKIPPED``. The one gap is a crash between the mail server's acceptance and the commit: the
    email is then sent again (at least once, see docs/decisions.md).
    """
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboxStatus.PENDING)
            .first()
        )
        if email is None:
            return OutboxSendResult(OutboxSendOutcome.SKIPPED)
        email.attempts += 1
        message = EmailMessage(
            subject=email.subject,
            body=email.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to_address],
            headers={"Content-Language": "zh-Hans" if email.language == "zh-hans" else "en"},
        )
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # the mail server's refusal, a network error, anything outside
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= OUTBOX_MAX_ATTEMPTS:
                email.status = OutboxStatus.FAILED
                email.save(update_fields=["attempts", "last_error", "status"])
                logger.warning("outbox email %s failed for good: %s", email.pk, email.last_error)
                if email.recipient_id is not None:
                    notify(
                        recipient=email.recipient,
                        kind="email_undeliverable",
                        context={"address": email.to_address},
                        email=False,
                    )
                return OutboxSendResult(OutboxSendOutcome.FAILED)
            retry_in = outbox_retry_delay(email.attempts)
            email.next_attempt_at = timezone.now() + timedelta(seconds=retry_in)
            email.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return OutboxSendResult(OutboxSendOutcome.RETRY, retry_in=retry_in)
        email.status = OutboxStatus.SENT
        email.sent_at = timezone.now()
        email.save(update_fields=["attempts", "status", "sent_at"])
        return OutboxSendResult(OutboxSendOutcome.SENT)


@shared_task(bind=True, name="titles.tasks.task_send_email", max_retries=OUTBOX_MAX_ATTEMPTS)
def task_send_email(self, *, email_id: int) -> str:
    """Send one outbox email (see :func:`outbox_email_send`).

    Safe to run twice: a row already sent, or being sent by another worker, is skipped. A failed
    attempt is retried with backoff until the service marks the email failed. Defined beside
    the service it runs, so that queueing it needs no import back from ``titles.tasks`` (where
    Celery finds it).
    """
    result = outbox_email_send(email_id=email_id)
    if result.outcome == OutboxSendOutcome.RETRY:
        raise self.retry(countdown=result.retry_in)
    return result.outcome.value


@sweeper("outbox")
def outbox_sweep(now: datetime) -> list[str]:
    """Queue again every pending email whose attempt was due over a minute ago.

    Such an email was written while the broker was down, or its task was lost. Its next attempt
    is moved to ``now``, so a second pass finds nothing to do; the task sends it at most once.
    """
    with transaction.atomic():
        due = list(
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now - OUTBOX_REQUEUE_AFTER)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:OUTBOX_SWEEP_BATCH]
        )
        if not due:
            return []
        OutboxEmail.objects.filter(pk__in=due).update(next_attempt_at=now)
        for email_id in due:
            transaction.on_commit(_queue_send_later(email_id), robust=True)
    return [f"outbox email {email_id}: queued again" for email_id in due]


# --- retention and resending --------------------------------------------------------------

OUTBOX_ERASED_BODY = ""


def kinds_with_secrets() -> list[NotificationKind]:
    """The registered kinds whose email carries a code or a personal link."""
    return [spec for spec in NOTIFICATION_KINDS.values() if spec.erase_after is not None]


def outbox_body_hidden(email: OutboxEmail) -> bool:
    """True while the stored body still holds a valid code or personal link: staff do not read
    it (whoever reads a code can act as its recipient)."""
    spec = NOTIFICATION_KINDS.get(email.kind)
    return email.body_erased_at is None and spec is not None and spec.erase_after is not None


@sweeper("outbox_retention")
def outbox_retention_sweep(now: datetime) -> list[str]:
    """Erase the stored body of every email whose code or personal link has expired.

    The row stays (who was sent what kind of email, when, how often it failed); only the body,
    the part that carried the secret, is emptied and ``body_erased_at`` set. An email still
    pending by then is given up (its code is useless): marked failed, never sent. A second pass
    finds nothing.
    """
    lines: list[str] = []
    for spec in kinds_with_secrets():
        cutoff = now - spec.erase_delay()
        with transaction.atomic():
            expired = OutboxEmail.objects.filter(
                kind=spec.kind, body_erased_at__isnull=True, created_at__lt=cutoff
            )
            given_up = expired.filter(status=OutboxStatus.PENDING).update(
                status=OutboxStatus.FAILED,
                last_error="Not sent: its code or link expired first.",
            )
            erased = expired.update(body=OUTBOX_ERASED_BODY, body_erased_at=now)
        if erased:
            lines.append(
                f"outbox: {erased} {spec.kind} email bodies erased"
                + (f" ({given_up} never sent)" if given_up else "")
            )
    return lines


class OutboxResendRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def outbox_email_resend(*, email: OutboxEmail, actor) -> OutboxEmail:
    """Send a sent or failed email again (staff, from the admin): it becomes pending with its
    attempts counted from zero and is queued on commit. Audits ``outbox.resend``.

    Raises :class:`OutboxResendRefused` for an email whose body was erased (its code or link had
    expired: the recipient must ask for a new one) or one that is still pending.
    """
    with transaction.atomic():
        locked = OutboxEmail.objects.select_for_update().get(pk=email.pk)
        if locked.body_erased_at is not None:
            raise OutboxResendRefused(
                _(
                    "The email to %(address)s carried a code or link that has expired, and its "
                    "text was erased: the recipient must ask for a new one."
                )
                % {"address": locked.to_address}
            )
        if locked.status == OutboxStatus.PENDING:
            raise OutboxResendRefused(
                _("The email to %(address)s is still waiting to be sent.")
                % {"address": locked.to_address}
            )
        previous = locked.status
        locked.status = OutboxStatus.PENDING
        locked.attempts = 0
        locked.last_error = ""
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
        audit_record(
            actor=actor,
            action="outbox.resend",
            obj=locked,
            data={"previous_status": previous, "kind": locked.kind},
        )
        transaction.on_commit(_queue_send_later(locked.pk), robust=True)
    return locked


audit_action_label_register("outbox.resend", gettext_lazy("Email sent again by staff"))


# --- the kinds this part sends ---------------------------------------------------------------

notification_kind_register(
    "email_undeliverable",
    subject=gettext_lazy("An email to %(address)s could not be delivered"),
    body=gettext_lazy(
        "We could not deliver an email to %(address)s after several attempts. Please check the "
        "email address in your account. Every notice also appears on your notifications page."
    ),
)
