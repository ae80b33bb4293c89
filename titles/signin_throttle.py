"""Sign-in throttling per user name, across every address (issue #27).

django-axes locks a user name *from one address* after five wrong passwords; an attacker with
many addresses tries five from each. Here the wrong passwords for a user name are counted from
all addresses together. Past ``SIGN_IN_CHALLENGE_AFTER`` of them within ``WINDOW``, a sign-in
with that name also needs a one-time code emailed to the account's address, checked *before*
the password (so that the answer to a guess says nothing about the password), unless the browser
has signed in to that account before (``KNOWN_DEVICE_COOKIE``, signed). Guessing stops; the real
person is never locked out: their usual browser signs in as always, and any other gets a code
through their mailbox.

The same is done for a name that has no account (the answers must not tell which names exist);
no email is sent then. ``SignInThrottle`` rows older than the window are deleted by the sweep.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from titles.audit import audit_action_label_register, audit_record
from titles.models import SignInThrottle
from titles.notifications import email_to_address, notification_kind_register
from titles.sweep import sweeper

WINDOW = timedelta(hours=24)
CODE_VALID = timedelta(minutes=15)
CODE_MAX_ATTEMPTS = 5
CODE_RESEND_AFTER = timedelta(minutes=2)
KNOWN_DEVICE_COOKIE = "known_device"
KNOWN_DEVICE_SALT = "titles.signin_throttle.known_device"
KNOWN_DEVICE_AGE = timedelta(days=180)
KNOWN_DEVICE_ACCOUNTS = 5  # accounts remembered per browser

audit_action_label_register(
    "auth.sign_in_challenge", _("Sign-in protected by an emailed code after many wrong passwords")
)
notification_kind_register(
    "sign_in_code",
    subject=_("Your sign-in code"),
    body=_(
        "Many wrong passwords have been tried for your user name %(username)s, so signing in "
        "from a browser you have not used before also needs this code:\n\n%(code)s\n\nIt is "
        "valid for %(minutes)s minutes. If you did not try to sign in, someone else is guessing "
        "your password: choose a strong one, and nobody can sign in without this code."
    ),
)


def _limit() -> int:
    return int(settings.SIGN_IN_CHALLENGE_AFTER)


def _current(username: str, now) -> SignInThrottle | None:
    throttle = SignInThrottle.objects.filter(username=username).first()
    if throttle is None or now - throttle.window_started_at >= WINDOW:
        return None
    return throttle


def sign_in_challenged(*, username: str) -> bool:
    """Whether signing in with ``username`` now needs an emailed code (one query)."""
    throttle = _current(username, timezone.now())
    return throttle is not None and throttle.failures >= _limit()


def sign_in_failure_count(*, username: str) -> int:
    """Count one wrong password for ``username`` (from any address); returns the count in the
    window. Reaching the limit is audited on the account (``auth.sign_in_challenge``)."""
    if not username:
        return 0
    now = timezone.now()
    with transaction.atomic():
        throttle = SignInThrottle.objects.select_for_update().filter(username=username).first()
        if throttle is None:
            try:
                with transaction.atomic():
                    throttle = SignInThrottle.objects.create(
                        username=username, window_started_at=now
                    )
            except IntegrityError:  # counted at the same moment elsewhere
                throttle = SignInThrottle.objects.select_for_update().get(username=username)
        if now - throttle.window_started_at >= WINDOW:
            throttle.failures, throttle.window_started_at = 0, now
            throttle.code_hash, throttle.code_expires_at = "", None
        throttle.failures += 1
        throttle.save()
        if throttle.failures == _limit():
            user = get_user_model().objects.filter(username=username).first()
            if user is not None:
                audit_record(
                    actor=None,
                    action="auth.sign_in_challenge",
                    obj=user,
                    data={"failures": throttle.failures},
                )
    return throttle.failures


def _code_digest(username: str, code: str) -> str:
    key = hashlib.sha256(f"{settings.SECRET_KEY}:sign-in-code".encode()).digest()
    return hmac.new(key, f"{username}:{code}".encode(), hashlib.sha256).hexdigest()


def sign_in_code_send(*, username: str) -> None:
    """Email a sign-in code to the account named ``username``, when it is challenged, exists,
    is active and has an address, and no code went out in the last ``CODE_RESEND_AFTER``.
    Otherwise nothing, silently: the page says the same either way."""
    now = timezone.now()
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    with transaction.atomic():
        throttle = SignInThrottle.objects.select_for_update().filter(username=username).first()
        if throttle is None or now - throttle.window_started_at >= WINDOW:
            return
        if throttle.failures < _limit() or user is None or not user.email:
            return
        if throttle.code_sent_at is not None and now - throttle.code_sent_at < CODE_RESEND_AFTER:
            return
        code = f"{secrets.randbelow(1_000_000):06d}"
        throttle.code_hash = _code_digest(username, code)
        throttle.code_sent_at, throttle.code_expires_at = now, now + CODE_VALID
        throttle.code_attempts = 0
        throttle.save()
        email_to_address(
            to_address=user.email,
            language=user.preferred_language,
            kind="sign_in_code",
            context={
                "username": username,
                "code": code,
                "minutes": int(CODE_VALID.total_seconds() // 60),
            },
        )


def sign_in_code_check(*, username: str, code: str) -> bool:
    """Whether ``code`` is the live code of ``username``. Each try counts, right or wrong (the
    password may still be mistyped): after ``CODE_MAX_ATTEMPTS`` the code is dead and a new one
    can be sent. A sign-in spends it (``sign_in_code_spend``)."""
    code = "".join((code or "").split())
    if not code.isdigit():
        return False
    now = timezone.now()
    with transaction.atomic():
        throttle = SignInThrottle.objects.select_for_update().filter(username=username).first()
        if throttle is None or not throttle.code_hash or throttle.code_expires_at <= now:
            return False
        if throttle.code_attempts >= CODE_MAX_ATTEMPTS:
            return False
        throttle.code_attempts += 1
        throttle.save(update_fields=["code_attempts"])
    return hmac.compare_digest(throttle.code_hash, _code_digest(username, code))


def sign_in_code_spend(*, username: str) -> None:
    """After a sign-in with ``username``: its code, if any, is used up."""
    SignInThrottle.objects.filter(username=username).exclude(code_hash="").update(
        code_hash="", code_expires_at=None
    )


# --- the browsers that signed in before ---------------------------------------------------


def known_accounts(request: HttpRequest) -> list[int]:
    """The accounts this browser has signed in to (from the signed cookie), newest first."""
    value = request.COOKIES.get(KNOWN_DEVICE_COOKIE)
    if not value:
        return []
    try:
        accounts = signing.loads(
            value, salt=KNOWN_DEVICE_SALT, max_age=KNOWN_DEVICE_AGE.total_seconds()
        )
    except signing.BadSignature:
        return []
    if not isinstance(accounts, list):
        return []
    return [pk for pk in accounts if isinstance(pk, int)][:KNOWN_DEVICE_ACCOUNTS]


def known_device_for(request: HttpRequest, *, username: str) -> bool:
    """Whether this browser has signed in to the account named ``username`` before."""
    accounts = known_accounts(request)
    if not accounts:
        return False
    return get_user_model().objects.filter(username=username, pk__in=accounts).exists()


def known_device_remember(request: HttpRequest, response: HttpResponse, *, user) -> None:
    """After a sign-in: this browser knows ``user`` (cookie renewed for ``KNOWN_DEVICE_AGE``)."""
    accounts = [user.pk, *(pk for pk in known_accounts(request) if pk != user.pk)]
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        signing.dumps(accounts[:KNOWN_DEVICE_ACCOUNTS], salt=KNOWN_DEVICE_SALT),
        max_age=int(KNOWN_DEVICE_AGE.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


@sweeper("sign_in_throttles")
def sign_in_throttles_sweep(now) -> list[str]:
    """Forget the counts whose window has ended (nothing to report)."""
    SignInThrottle.objects.filter(window_started_at__lte=now - WINDOW).delete()
    return []
