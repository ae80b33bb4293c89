"""Sealing ballots (DOMAIN.md rule 7): ECIES with X25519, HKDF-SHA256 and AES-256-GCM.

The item's private key is derived when needed from the server secret ``BALLOT_SECRET`` (never in
the database), the item's random salt and its id; only the public key is stored. Each choice is
encoded in a fixed length so that every ciphertext has the same size.
"""

import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from committee.enums import Choice

SALT_BYTES = 32
_RAW = serialization.Encoding.Raw, serialization.PublicFormat.Raw
_CODES = {Choice.CONSENT: 1, Choice.OPPOSE: 2, Choice.ABSTAIN: 3}
_CHOICES = {code: choice for choice, code in _CODES.items()}
PLAINTEXT_BYTES = 16
CIPHERTEXT_BYTES = 32 + 12 + PLAINTEXT_BYTES + 16  # ephemeral key, nonce, sealed choice, tag


class BallotUnreadable(Exception):
    pass


def ballot_secret() -> bytes:
    """``settings.BALLOT_SECRET`` when set, else a key derived from ``SECRET_KEY``."""
    secret = getattr(settings, "BALLOT_SECRET", None)
    if secret:
        return secret.encode() if isinstance(secret, str) else bytes(secret)
    return _hkdf(settings.SECRET_KEY.encode(), salt=None, info=b"titles committee ballot secret")


def _hkdf(material: bytes, *, salt: bytes | None, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(material)


def ballot_salt_new() -> bytes:
    return os.urandom(SALT_BYTES)


def item_private_key(*, item_id: int, salt: bytes) -> X25519PrivateKey:
    raw = _hkdf(ballot_secret(), salt=bytes(salt), info=f"committee ballot {item_id}".encode())
    return X25519PrivateKey.from_private_bytes(raw)


def item_public_key(*, item_id: int, salt: bytes) -> bytes:
    return item_private_key(item_id=item_id, salt=salt).public_key().public_bytes(*_RAW)


def _aad(item_id: int) -> bytes:
    return f"committee ballot {item_id}".encode()


def _key(shared: bytes, ephemeral: bytes, public: bytes) -> bytes:
    return _hkdf(shared, salt=None, info=b"committee ballot seal" + ephemeral + public)


def ballot_seal(*, item_id: int, public_key: bytes, choice: str) -> bytes:
    """Encrypt ``choice`` to the item's public key; always :data:`CIPHERTEXT_BYTES` long."""
    plaintext = bytes([_CODES[Choice(choice)]]) + os.urandom(PLAINTEXT_BYTES - 1)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(*_RAW)
    public_key = bytes(public_key)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    nonce = os.urandom(12)
    sealed = AESGCM(_key(shared, ephemeral_public, public_key)).encrypt(
        nonce, plaintext, _aad(item_id)
    )
    return ephemeral_public + nonce + sealed


def ballot_open(*, item_id: int, private_key: X25519PrivateKey, ciphertext: bytes) -> str:
    """The choice sealed in ``ciphertext``; raises :class:`BallotUnreadable` if it is not one."""
    ciphertext = bytes(ciphertext)
    if len(ciphertext) != CIPHERTEXT_BYTES:
        raise BallotUnreadable
    ephemeral_public, nonce, sealed = ciphertext[:32], ciphertext[32:44], ciphertext[44:]
    public_key = private_key.public_key().public_bytes(*_RAW)
    shared = private_key.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    try:
        plaintext = AESGCM(_key(shared, ephemeral_public, public_key)).decrypt(
            nonce, sealed, _aad(item_id)
        )
    except InvalidTag as error:
        raise BallotUnreadable from error
    choice = _CHOICES.get(plaintext[0])
    if choice is None:
        raise BallotUnreadable
    return choice


def fingerprint(public_key: bytes) -> str:
    return hashlib.sha256(bytes(public_key)).hexdigest()[:16]
