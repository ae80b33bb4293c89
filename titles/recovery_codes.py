"""Two-factor recovery codes: django-otp's static device, for a person whose phone is lost.

Each person with two-factor sign-in may hold ten one-time codes (``abcde-fghij``), shown once
when made; making new ones replaces the old. A code signs in instead of the authenticator app's
code, once. The device stores a keyed hash of each code (HMAC-SHA256 under a key derived from
``SECRET_KEY``, cut to the token column's 16 characters) rather than the code: a reader of the
database alone cannot sign in with them. django-otp's own ``verify_token`` then compares the hash
of what was typed, deletes the used one and throttles wrong tries (1, 2, 4… seconds).
"""

import hashlib
import hmac
import re
import secrets
import unicodedata
from base64 import b32encode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from titles.audit import audit_action_label_register, audit_record

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery"
_CODE = re.compile(r"^[a-z2-7]{10}$")

for _action, _label in {
    "two_factor.recovery_codes_generate": _("Two-factor recovery codes made"),
    "two_factor.recovery_code_used": _("Signed in with a two-factor recovery code"),
    "two_factor.recovery_code_failed": _("Two-factor recovery code refused"),
}.items():
    audit_action_label_register(_action, _label)


def _digest(code: str) -> str:
    key = hashlib.sha256(f"{settings.SECRET_KEY}:two-factor-recovery".encode()).digest()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()[:16]


def recovery_code_normalise(value: str) -> str:
    """What was typed, as stored: lower case, no spaces or hyphens (full-width too)."""
    return re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value or "")).lower()


def recovery_code_display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def recovery_device_of(user) -> StaticDevice | None:
    return (
        StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        .order_by("id")
        .first()
    )


def recovery_codes_remaining(*, user) -> int:
    device = recovery_device_of(user)
    return device.token_set.count() if device else 0


def recovery_codes_generate(*, user) -> list[str]:
    """Make ``RECOVERY_CODE_COUNT`` new codes for ``user`` (the old ones stop working) and
    return them for showing once, as ``abcde-fghij``. Audits
    ``two_factor.recovery_codes_generate``."""
    codes = [
        b32encode(secrets.token_bytes(7)).decode().lower()[:10] for _ in range(RECOVERY_CODE_COUNT)
    ]
    with transaction.atomic():
        device, _created = StaticDevice.objects.select_for_update().get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=_digest(code)) for code in codes
        )
        device.throttle_reset(commit=True)
        audit_record(
            actor=user,
            action="two_factor.recovery_codes_generate",
            obj=user,
            data={"device": device.pk, "count": len(codes)},
        )
    return [recovery_code_display(code) for code in codes]


def recovery_code_verify(*, user, code: str) -> StaticDevice:
    """Sign in step: accept one unused recovery code of ``user`` (it is used up).

    Raises ``ValidationError`` with what to do: no codes, malformed, wrong, or wait (throttled
    after wrong tries). Audits ``two_factor.recovery_code_used`` or ``_failed``.
    """
    device = recovery_device_of(user)
    if device is None or not device.token_set.exists():
        raise ValidationError(
            _(
                "You have no recovery codes. Ask the bureau's system administrator to reset "
                "your two-factor sign-in."
            ),
            code="no_codes",
        )
    normalised = recovery_code_normalise(code)
    if not _CODE.match(normalised):
        raise ValidationError(
            _("A recovery code has ten letters and digits, such as abcde-fghij."), code="format"
        )
    with transaction.atomic():
        locked = StaticDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = locked.verify_is_allowed()
        if not allowed:
            until = timezone.localtime(details["locked_until"])
            raise ValidationError(
                _("Too many wrong codes. Try again after %(time)s."),
                code="throttled",
                params={"time": until.strftime("%H:%M:%S")},
            )
        verified = locked.verify_token(_digest(normalised))
    audit_record(
        actor=user,
        action="two_factor.recovery_code_used" if verified else "two_factor.recovery_code_failed",
        obj=user,
        data={"device": device.pk},
    )
    if not verified:
        raise ValidationError(
            _("That recovery code is not correct or was already used."), code="wrong"
        )
    return locked
