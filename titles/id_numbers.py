"""Chinese resident ID numbers (GB 11643-1999): validation, masking, encryption and the lookup hash.

Pure functions, no models: the User model and the people services build on them.

* The number is stored encrypted with AES-256-GCM (a fresh 12-byte nonce per write), as
  ``v1:<base64url(nonce + ciphertext + tag)>``.
* Beside it sits an HMAC-SHA256 of the normalised number, for exact lookups and uniqueness.
* Both keys come from one master secret through HKDF-SHA256 with different ``info`` labels, so
  neither key can be computed from the other. The master is ``FIELD_ENCRYPTION_KEY`` when set,
  else ``SECRET_KEY``.
"""

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from datetime import date
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ID_NUMBER_LENGTH = 18
MASK_KEEP_START = 3
MASK_KEEP_END = 4
# ISO 7064 MOD 11-2 as GB 11643 states it: weight of position i is 2^(17 - i) mod 11.
CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
EARLIEST_BIRTH_DATE = date(1800, 1, 1)

_CIPHERTEXT_VERSION = "v1"
_AAD = b"titles.User.id_number"
_HKDF_SALT = b"titles.field-encryption.v1"
_INFO_ENCRYPTION = b"titles.id_number.encryption"
_INFO_LOOKUP_HASH = b"titles.id_number.lookup-hash"
_SHAPE = re.compile(r"^[0-9]{17}[0-9X]$")


class IdNumberUnreadable(RuntimeError):
    """A stored number cannot be decrypted: the key changed or the value was altered."""


def id_number_normalise(value: str) -> str:
    """Full-width characters to ASCII (an IME may type them), outer spaces off, ``x`` to ``X``."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def id_number_check_character(first17: str) -> str:
    """The 18th character for 17 digits (ISO 7064 MOD 11-2)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, CHECK_WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def id_number_validate(value: str, *, today: date | None = None) -> str:
    """Return the normalised number, or raise ``ValidationError`` saying what is wrong.

    Checked in this order: present, 18 characters, digits (X only last), a real date of birth
    not in the future (Asia/Shanghai), the check character.
    """
    number = id_number_normalise(value)
    if not number:
        raise ValidationError(_("Enter the resident ID number."), code="required")
    if len(number) != ID_NUMBER_LENGTH:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(count)d."),
            code="length",
            params={"count": len(number)},
        )
    if not _SHAPE.match(number):
        raise ValidationError(
            _("Only digits are allowed, and the letter X only as the last character."),
            code="characters",
        )
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("Characters 7 to 14 must be a real date of birth (YYYYMMDD)."), code="birth_date"
        )
    if birth > (today or timezone.localdate()):
        raise ValidationError(
            _("The date of birth in the ID number lies in the future."), code="birth_date_future"
        )
    if id_number_check_character(number[:17]) != number[17]:
        raise ValidationError(
            _(
                "The last character does not match the check digit of the first 17; "
                "please look for a typing error."
            ),
            code="checksum",
        )
    return number


def id_number_mask(number: str) -> str:
    """``110105198001011234`` → ``110***********1234``; empty stays empty."""
    if not number:
        return ""
    hidden = max(len(number) - MASK_KEEP_START - MASK_KEEP_END, 0)
    return number[:MASK_KEEP_START] + "*" * hidden + number[-MASK_KEEP_END:]


@lru_cache(maxsize=8)
def _derive(master: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=info).derive(
        master.encode()
    )


def _master() -> str:
    master = settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY
    if not master:
        raise IdNumberUnreadable("Neither FIELD_ENCRYPTION_KEY nor SECRET_KEY is set.")
    return master


def id_number_encrypt(number: str) -> str:
    """Encrypt a normalised number (a new random nonce each time)."""
    nonce = os.urandom(12)
    sealed = AESGCM(_derive(_master(), _INFO_ENCRYPTION)).encrypt(nonce, number.encode(), _AAD)
    return f"{_CIPHERTEXT_VERSION}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def id_number_decrypt(stored: str) -> str:
    """The number from its stored form; empty stays empty."""
    if not stored:
        return ""
    version, _sep, payload = stored.partition(":")
    if version != _CIPHERTEXT_VERSION:
        raise IdNumberUnreadable(f"Unknown ciphertext version {version!r}.")
    try:
        raw = base64.urlsafe_b64decode(payload.encode())
        plain = AESGCM(_derive(_master(), _INFO_ENCRYPTION)).decrypt(raw[:12], raw[12:], _AAD)
    except (InvalidTag, ValueError) as error:
        raise IdNumberUnreadable(
            "A stored ID number cannot be decrypted: FIELD_ENCRYPTION_KEY (or SECRET_KEY) changed, "
            "or the value was altered."
        ) from error
    return plain.decode()


def id_number_lookup_hash(number: str) -> str:
    """HMAC-SHA256 (hex) of the normalised number under the lookup key."""
    key = _derive(_master(), _INFO_LOOKUP_HASH)
    return hmac.new(key, id_number_normalise(number).encode(), hashlib.sha256).hexdigest()
