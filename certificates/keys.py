"""The bureau's keys: the Ed25519 key that signs certificate data, and the PAdES signer.

Configured through environment variables (see docs/certificates.md); when none is set, a
development key, a development CA and a signing certificate issued by it are generated once into
``settings.DATA_DIR / "certificates"``. Development material must never sign real certificates.
"""

import base64
import datetime
import fcntl
import os
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

SIGNING_KEY_ENV = "CERTIFICATE_SIGNING_KEY"  # Ed25519 private key: PEM text or a path
PADES_KEY_ENV = "CERTIFICATE_PADES_KEY"  # the PDF signer's private key (PEM/DER path)
PADES_CERT_ENV = "CERTIFICATE_PADES_CERT"  # its certificate (PEM/DER path)
PADES_CHAIN_ENV = "CERTIFICATE_PADES_CHAIN"  # intermediate certificates, paths joined by ":"
PADES_PASSPHRASE_ENV = "CERTIFICATE_PADES_KEY_PASSPHRASE"  # noqa: S105 - a variable name
TRUST_ROOTS_ENV = "CERTIFICATE_TRUST_ROOTS"  # roots that uploaded PDFs must chain to, ":"-joined
BUREAU_COMMON_NAME = "Beijing Municipal Bureau of Human Resources and Social Security"


def _directory() -> Path:
    path = Path(settings.DATA_DIR) / "certificates"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def _generation_lock():
    """Several workers may start at once: only one generates the development material."""
    with open(_directory() / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_private(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def _pem_private(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


# --- the data-signing key (Ed25519) ------------------------------------------------------------


def _configured_pem(value: str) -> bytes:
    if value.lstrip().startswith("-----BEGIN"):
        return value.encode()
    return Path(value).read_bytes()


@lru_cache(maxsize=4)
def _signing_key_for(configured: str, data_dir: str) -> ed25519.Ed25519PrivateKey:
    if configured:
        pem = _configured_pem(configured)
    else:
        path = _directory() / "signing-key.pem"
        with _generation_lock():
            if not path.exists():
                _write_private(path, _pem_private(ed25519.Ed25519PrivateKey.generate()))
        pem = path.read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise ValueError(f"{SIGNING_KEY_ENV} must hold an Ed25519 private key")
    return key


def signing_key() -> ed25519.Ed25519PrivateKey:
    return _signing_key_for(os.environ.get(SIGNING_KEY_ENV, ""), str(settings.DATA_DIR))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def data_sign(message: bytes) -> str:
    """The bureau's Ed25519 signature of ``message``, base64url without padding."""
    return b64url(signing_key().sign(message))


def data_signature_valid(message: bytes, signature: str) -> bool:
    try:
        signing_key().public_key().verify(b64url_decode(signature), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def public_key_pem() -> str:
    """The public half, to publish for anyone who wants to check the data signature offline."""
    return (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


# --- the PAdES signer (an X.509 certificate under a CA) ----------------------------------------


@dataclass(frozen=True)
class PadesMaterial:
    key_path: Path
    cert_path: Path
    chain_paths: tuple[Path, ...]
    trust_root_paths: tuple[Path, ...]
    passphrase: bytes | None
    development: bool


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, "Beijing"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, BUREAU_COMMON_NAME),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _development_pades(directory: Path) -> PadesMaterial:
    ca_cert, ca_key = directory / "dev-ca.pem", directory / "dev-ca-key.pem"
    cert, key = directory / "dev-signer.pem", directory / "dev-signer-key.pem"
    with _generation_lock():
        if not (ca_cert.exists() and cert.exists() and key.exists()):
            now = datetime.datetime.now(datetime.UTC)
            root_key = ec.generate_private_key(ec.SECP256R1())
            root_name = _name("DEVELOPMENT ONLY certificate root")
            root = (
                x509.CertificateBuilder()
                .subject_name(root_name)
                .issuer_name(root_name)
                .public_key(root_key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(
                    x509.KeyUsage(
                        digital_signature=False,
                        content_commitment=False,
                        key_encipherment=False,
                        data_encipherment=False,
                        key_agreement=False,
                        key_cert_sign=True,
                        crl_sign=True,
                        encipher_only=False,
                        decipher_only=False,
                    ),
                    critical=True,
                )
                .add_extension(
                    x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()),
                    critical=False,
                )
                .sign(root_key, hashes.SHA256())
            )
            signer_key = ec.generate_private_key(ec.SECP256R1())
            signer = (
                x509.CertificateBuilder()
                .subject_name(_name("DEVELOPMENT ONLY certificate signer"))
                .issuer_name(root_name)
                .public_key(signer_key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(
                    x509.KeyUsage(
                        digital_signature=True,
                        content_commitment=True,
                        key_encipherment=False,
                        data_encipherment=False,
                        key_agreement=False,
                        key_cert_sign=False,
                        crl_sign=False,
                        encipher_only=False,
                        decipher_only=False,
                    ),
                    critical=True,
                )
                .add_extension(
                    x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                    critical=False,
                )
                .add_extension(
                    x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                    critical=False,
                )
                .sign(root_key, hashes.SHA256())
            )
            _write_private(ca_key, _pem_private(root_key))
            _write_private(key, _pem_private(signer_key))
            cert.write_bytes(signer.public_bytes(serialization.Encoding.PEM))
            ca_cert.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    return PadesMaterial(
        key_path=key,
        cert_path=cert,
        chain_paths=(ca_cert,),
        trust_root_paths=(ca_cert,),
        passphrase=None,
        development=True,
    )


def _paths(value: str) -> tuple[Path, ...]:
    return tuple(Path(part) for part in value.split(":") if part)


def pades_material() -> PadesMaterial:
    """The configured signer, or the development one (generated once) when none is set."""
    key, cert = os.environ.get(PADES_KEY_ENV, ""), os.environ.get(PADES_CERT_ENV, "")
    if key and cert:
        chain = _paths(os.environ.get(PADES_CHAIN_ENV, ""))
        passphrase = os.environ.get(PADES_PASSPHRASE_ENV)
        return PadesMaterial(
            key_path=Path(key),
            cert_path=Path(cert),
            chain_paths=chain,
            trust_root_paths=_paths(os.environ.get(TRUST_ROOTS_ENV, "")) or chain[-1:],
            passphrase=passphrase.encode() if passphrase else None,
            development=False,
        )
    return _development_pades(_directory())


@lru_cache(maxsize=4)
def _pades_signer_for(material: PadesMaterial):
    from pyhanko.sign import signers  # noqa: PLC0415 — slow import

    return signers.SimpleSigner.load(
        str(material.key_path),
        str(material.cert_path),
        ca_chain_files=[str(path) for path in material.chain_paths],
        key_passphrase=material.passphrase,
    )


def pades_signer():
    """A pyHanko signer for the PDF signature (loaded once per process and configuration)."""
    return _pades_signer_for(pades_material())


@lru_cache(maxsize=4)
def _trust_roots_for(material: PadesMaterial) -> tuple:
    from pyhanko.keys import load_cert_from_pemder  # noqa: PLC0415 — slow import

    return tuple(load_cert_from_pemder(str(path)) for path in material.trust_root_paths)


def trust_roots() -> tuple:
    """The roots an uploaded certificate's PDF signature must chain to (asn1crypto form)."""
    return _trust_roots_for(pades_material())
