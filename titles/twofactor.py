"""Sign-in security: two-factor sign-in (TOTP), the gate that enforces it, and the sign-in audit.

Who must sign in with a second factor: holders of :data:`TWO_FACTOR_ROLES` (checked by group
membership) and every staff or superuser account (they can reach the admin). Anyone else may
enrol; once a person has a confirmed device, their sign-in asks for its code too.

The gate (:func:`two_factor_gate`) is asked on every page a signed-in, not yet verified person
opens, so the facts it needs (a staff role? a confirmed device?) are cached per person and dropped
whenever group membership or a device changes (receivers at the bottom, connected at start-up by
:class:`titles.admin_site.TwoFactorAdminConfig`), and warmed at sign-in.

Every write audits itself (``audit_record``); the request's IP comes from
``titles.middleware.RequestContextMiddleware``.
"""

import enum
import logging
import re
from base64 import b32encode
from binascii import unhexlify
from io import BytesIO

import qrcode
import qrcode.image.svg
from axes.backends import AxesStandaloneBackend
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from titles.audit import audit_action_label_register, audit_record
from titles.enums import Role
from titles.models import User

log = logging.getLogger(__name__)

# The roles whose holders must sign in with a second factor (DOMAIN.md's staff roles).
TWO_FACTOR_ROLES = frozenset(
    {
        Role.AGENCY_STAFF,
        Role.PANEL_EXPERT,
        Role.COMMITTEE_MEMBER,
        Role.COMMITTEE_CHAIRMAN,
        Role.BUREAU_STAFF,
    }
)
# Where a person's confirmed-device secret is kept between the enrolment page and its form.
ENROLMENT_SESSION_KEY = "two_factor_enrolment_key"
GATE_CACHE_SECONDS = 300
TOKEN_PATTERN = re.compile(r"^\d{6}$")

for _action, _label in {
    "auth.sign_in": _("Signed in"),
    "auth.sign_in_failed": _("Sign-in failed: wrong password"),
    "auth.lockout": _("Sign-in locked after repeated failures"),
    "auth.sign_in_refused": _("Sign-in refused while locked"),
    "auth.password_reset": _("Password reset by email"),
    "two_factor.enrol": _("Two-factor sign-in set up"),
    "two_factor.verify": _("Two-factor code accepted"),
    "two_factor.verify_failed": _("Two-factor code refused"),
    "two_factor.device_add": _("Two-factor device added in the admin"),
    "two_factor.device_change": _("Two-factor device changed in the admin"),
    "two_factor.device_delete": _("Two-factor device removed in the admin"),
}.items():
    audit_action_label_register(_action, _label)


# --- Who needs a second factor ---------------------------------------------------------------


class Gate(enum.Enum):
    """What a signed-in person who is not yet verified in this session must do next."""

    OPEN = "open"  # nothing: no second factor needed
    VERIFY = "verify"  # enter the code of their confirmed device
    SETUP = "setup"  # enrol a device first (their role requires one)


def _gate_cache_key(user) -> str:
    return f"two_factor:gate:{user.pk}"


def _gate_facts_query(user) -> tuple[bool, bool]:
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            role_requires=Exists(
                Group.objects.filter(user=OuterRef("pk"), name__in=list(TWO_FACTOR_ROLES))
            ),
            has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        )
        .values_list("role_requires", "has_device")
        .first()
    )
    return (bool(row[0]), bool(row[1])) if row else (False, False)


def _gate_facts(user, *, fresh: bool = False) -> tuple[bool, bool]:
    """(holds a role that requires 2FA, has a confirmed device): cached, one query on a miss.

    The cached value carries the account's creation time, so a reused primary key (a recreated
    database) never reads another person's facts.
    """
    key, stamp = _gate_cache_key(user), user.date_joined.isoformat()
    if not fresh:
        try:
            cached = cache.get(key)
        except Exception:  # a cache that is down must not take sign-in with it
            log.warning("two-factor gate cache unavailable", exc_info=True)
            cached = None
        if cached and cached[0] == stamp:
            return cached[1], cached[2]
    facts = _gate_facts_query(user)
    try:
        cache.set(key, (stamp, *facts), GATE_CACHE_SECONDS)
    except Exception:
        log.warning("two-factor gate cache unavailable", exc_info=True)
    return facts


def _gate_forget(user_ids) -> None:
    keys = [f"two_factor:gate:{pk}" for pk in user_ids]
    if not keys:
        return

    def forget():
        try:
            cache.delete_many(keys)
        except Exception:
            log.warning("two-factor gate cache unavailable", exc_info=True)

    forget()
    # Again after commit: a request that read the old state meanwhile may have cached it.
    transaction.on_commit(forget, robust=True)


def two_factor_required(user) -> bool:
    """True when the person must sign in with a second factor (role, staff or superuser)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_staff or user.is_superuser or _gate_facts(user)[0]


def two_factor_gate(user) -> Gate:
    """What a signed-in person not yet verified in this session must do before anything else."""
    role_requires, has_device = _gate_facts(user)
    if has_device:
        return Gate.VERIFY
    if role_requires or user.is_staff or user.is_superuser:
        return Gate.SETUP
    return Gate.OPEN


def totp_device_of(user) -> TOTPDevice | None:
    """The person's confirmed TOTP device (the first, if the admin gave them several)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


# --- Enrolment -------------------------------------------------------------------------------


def totp_key_new() -> str:
    """A new random 20-byte secret, hex-encoded (what ``TOTPDevice.key`` stores)."""
    return random_hex(20)


def totp_secret_base32(key_hex: str) -> str:
    """The secret as an authenticator app wants it typed: base32, no padding."""
    return b32encode(unhexlify(key_hex)).decode().rstrip("=")


def totp_secret_grouped(key_hex: str) -> str:
    """The base32 secret in groups of four, easier to read out and type."""
    secret = totp_secret_base32(key_hex)
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_provisioning_uri(*, user, key_hex: str) -> str:
    """The ``otpauth://totp/...`` URI an authenticator app scans (issuer: ``OTP_TOTP_ISSUER``)."""
    return TOTPDevice(user=user, key=key_hex).config_url


def totp_qr_svg(uri: str) -> str:
    """The URI as a QR code: an inline ``<svg>`` element (no image service, no CDN)."""
    image = qrcode.make(
        uri,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
    )
    buffer = BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]
    # Scales with its box on the page (the package writes a size in millimetres).
    return re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        '<svg width="100%" height="100%" aria-hidden="true" focusable="false"',
        svg,
    )


def _token_clean(token: str) -> str:
    token = re.sub(r"\s+", "", token or "")
    if not TOKEN_PATTERN.match(token):
        raise ValidationError(
            _("Enter the 6-digit code shown in your authenticator app."), code="token_format"
        )
    return token


def totp_device_enrol(*, user, key_hex: str, token: str) -> TOTPDevice:
    """Confirm enrolment: create the person's confirmed TOTP device for ``key_hex`` if ``token``
    is its current code; audits ``two_factor.enrol``.

    Raises ``ValidationError`` (a clear message, nothing stored) when the code is malformed or
    wrong, or when the person already has a confirmed device.
    """
    token = _token_clean(token)
    try:
        key = unhexlify(key_hex.encode())
    except (ValueError, TypeError, AttributeError):
        raise ValidationError(
            _("The set-up page expired. Scan the new QR code and try again."), code="key"
        ) from None
    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    totp.time = timezone.now().timestamp()
    if not key or not totp.verify(int(token), tolerance=1):
        raise ValidationError(
            _(
                "That code is not correct. Check that the time on your phone is right and enter "
                "the code now shown."
            ),
            code="token_wrong",
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ValidationError(
                _("Two-factor sign-in is already set up for your account."), code="enrolled"
            )
        device = TOTPDevice.objects.create(
            user=user, name="default", key=key_hex, confirmed=True, last_t=totp.t()
        )
        audit_record(
            actor=user,
            action="two_factor.enrol",
            obj=user,
            data={"device": device.pk, "name": device.name},
        )
    return device


def totp_device_ensure(*, user, name: str = "default") -> tuple[TOTPDevice, str]:
    """The person's confirmed TOTP device called ``name``, created if missing (demo data and
    scripts), with its base32 secret. Audits ``two_factor.enrol`` only when it creates one, so it
    is safe to run twice."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.filter(user=user, name=name, confirmed=True).order_by("id").first()
        )
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
            audit_record(
                actor=None,
                action="two_factor.enrol",
                obj=user,
                data={"device": device.pk, "name": device.name},
            )
    return device, totp_secret_base32(device.key)


# --- Verification ----------------------------------------------------------------------------


# Wrong codes in a row that cost no wait before the next try (then django-otp's doubling waits).
FREE_WRONG_CODES = 2


def totp_device_verify(*, user, token: str) -> TOTPDevice:
    """Check ``token`` against the person's confirmed device; return the device when it is right.

    A wrong code counts towards django-otp's throttling; the first ``FREE_WRONG_CODES`` in a row
    cost no wait, later ones waits of 4, 8, 16... seconds between tries. Audits
    ``two_factor.verify`` or ``two_factor.verify_failed``. Raises ``ValidationError`` with a
    message saying what to do: malformed, wrong, or wait until a time.
    """
    device = totp_device_of(user)
    if device is None:
        raise ValidationError(
            _("Two-factor sign-in is not set up for your account yet."), code="no_device"
        )
    token = _token_clean(token)
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = locked.verify_is_allowed()
        if not allowed:
            until = timezone.localtime(details["locked_until"])
            raise ValidationError(
                _("Too many wrong codes. Try again after %(time)s."),
                code="throttled",
                params={"time": until.strftime("%H:%M:%S")},
            )
        verified = locked.verify_token(token)
        if not verified and locked.throttling_failure_count <= FREE_WRONG_CODES:
            # A slip of the finger costs no wait: the count goes on (so the waits that start
            # after it still double), but the next code is checked at once (issue 22).
            locked.throttling_failure_timestamp = None
            locked.save(update_fields=["throttling_failure_timestamp"])
    audit_record(
        actor=user,
        action="two_factor.verify" if verified else "two_factor.verify_failed",
        obj=user,
        data={"device": device.pk},
    )
    if not verified:
        raise ValidationError(
            _("That code is not correct. Enter the code now shown in your authenticator app."),
            code="token_wrong",
        )
    return locked


# --- Sign-in audit ---------------------------------------------------------------------------


def sign_in_record(*, user) -> None:
    """Audit a successful password step (``auth.sign_in``)."""
    audit_record(actor=user, action="auth.sign_in", obj=user)


def sign_in_failure_record(
    *, username: str, locked_out: bool, failures: int | None, failure_limit: int
) -> None:
    """Audit a refused sign-in against an existing account.

    ``auth.lockout`` when this failure locked the account, ``auth.sign_in_refused`` for a try
    while it stays locked, else ``auth.sign_in_failed``. Tries for usernames that do not exist are
    not audited (there is no object to name; django-axes keeps its own record of them).
    """
    user = User.objects.filter(username=username).first() if username else None
    if user is None:
        return
    if locked_out:
        action = "auth.lockout" if failures == failure_limit else "auth.sign_in_refused"
    else:
        action = "auth.sign_in_failed"
    audit_record(
        actor=None,
        action=action,
        obj=user,
        data={"failures": failures} if failures is not None else {},
    )


# --- Keeping the gate's cache true -----------------------------------------------------------


def _on_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "pre_clear", "post_clear"}:
        return
    if isinstance(instance, Group):  # group.user_set.add(...) / .clear()
        user_ids = pk_set if pk_set else instance.user_set.values_list("pk", flat=True)
        _gate_forget(list(user_ids))
    else:
        _gate_forget([instance.pk])


def _on_device_changed(sender, instance, **kwargs):
    _gate_forget([instance.user_id])


def _on_signed_in(sender, request, user, **kwargs):
    """Warm the gate at sign-in, so the pages after it cost no extra query."""
    if user is not None and user.pk is not None:
        _gate_facts(user, fresh=True)


def connect_receivers() -> None:
    """Connect the gate's cache upkeep (called once at start-up)."""
    m2m_changed.connect(
        _on_groups_changed, sender=User.groups.through, dispatch_uid="two_factor_groups"
    )
    post_save.connect(_on_device_changed, sender=TOTPDevice, dispatch_uid="two_factor_device_s")
    post_delete.connect(_on_device_changed, sender=TOTPDevice, dispatch_uid="two_factor_device_d")
    user_logged_in.connect(_on_signed_in, dispatch_uid="two_factor_signed_in")


def enrolment_key_for(session) -> str:
    """The secret the enrolment page shows, kept in the session until it is confirmed."""
    key = session.get(ENROLMENT_SESSION_KEY)
    if not key:
        key = totp_key_new()
        session[ENROLMENT_SESSION_KEY] = key
    return key


def password_reset_record(*, user) -> None:
    """After a password is set through the emailed link: audit ``auth.password_reset`` and lift
    any sign-in lockout of the account (whoever reads its mailbox may sign in again)."""
    from axes.utils import reset as axes_reset  # noqa: PLC0415 — app ready: axes loads models

    audit_record(actor=user, action="auth.password_reset", obj=user)
    axes_reset(username=user.get_username())


class SignInLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in ``AUTHENTICATION_BACKENDS``.

    Every sign-in page passes the request, and is checked. A call without one (the test client's
    ``login()``, scripts) has no address to count failures against: axes would raise an error;
    here it simply is not counted, and the next backend checks the password.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
