"""Production check of the bureau's certificate keys (tag ``production_keys``, see titles.checks).

Without configured keys the development key and CA are generated into each machine's
``DATA_DIR``: certificates would be signed by a "DEVELOPMENT ONLY" CA, and one machine's
certificates would read "altered" on another. With ``DEBUG`` off that is an error.
"""

import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core import checks

from certificates import keys
from titles.checks import PRODUCTION_KEYS_TAG, production_checks_apply

DEVELOPMENT_MARK = "DEVELOPMENT ONLY"


def _error(msg: str, hint: str, number: int) -> checks.Error:
    return checks.Error(msg, hint=hint, id=f"certificates.E{number:03d}")


def _development_directory() -> Path:
    return (Path(settings.DATA_DIR) / "certificates").resolve()


def _inside_development_directory(path: Path) -> bool:
    try:
        return path.resolve().is_relative_to(_development_directory())
    except OSError:
        return False


def _load_certificate(path: Path) -> x509.Certificate:
    data = path.read_bytes()
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def _is_development_certificate(certificate: x509.Certificate) -> bool:
    names = [
        attribute.value
        for name in (certificate.subject, certificate.issuer)
        for attribute in name.get_attributes_for_oid(NameOID.COMMON_NAME)
    ]
    return any(DEVELOPMENT_MARK in str(value) for value in names)


def signing_key_problems() -> list[checks.CheckMessage]:
    configured = os.environ.get(keys.SIGNING_KEY_ENV, "")
    if not configured:
        return [
            _error(
                f"{keys.SIGNING_KEY_ENV} is not set: a development key generated in "
                "DATA_DIR/certificates would sign certificate data, different on every machine.",
                "Make the bureau's Ed25519 key (docs/certificates.md) and set "
                f"{keys.SIGNING_KEY_ENV} to its PEM text or a path to it on every machine.",
                1,
            )
        ]
    is_path = not configured.lstrip().startswith("-----BEGIN")
    if is_path and _inside_development_directory(Path(configured)):
        return [
            _error(
                f"{keys.SIGNING_KEY_ENV} points at the development key in DATA_DIR/certificates.",
                "Use the bureau's own key, kept outside the data folder.",
                2,
            )
        ]
    try:
        pem = configured.encode() if not is_path else Path(configured).read_bytes()
        key = serialization.load_pem_private_key(pem, password=None)
    except (OSError, ValueError, TypeError) as error:
        return [
            _error(
                f"{keys.SIGNING_KEY_ENV} cannot be read: {type(error).__name__}: {error}",
                "Give a PEM Ed25519 private key, as text or as a readable path.",
                3,
            )
        ]
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        return [
            _error(
                f"{keys.SIGNING_KEY_ENV} is not an Ed25519 private key.",
                "Make one with `openssl genpkey -algorithm ed25519` (docs/certificates.md).",
                3,
            )
        ]
    development = _development_directory() / "signing-key.pem"
    if development.exists() and development.read_bytes().strip() == pem.strip():
        return [
            _error(
                f"{keys.SIGNING_KEY_ENV} holds the development key of DATA_DIR/certificates.",
                "Use the bureau's own key.",
                2,
            )
        ]
    return []


def pades_problems() -> list[checks.CheckMessage]:
    key, cert = os.environ.get(keys.PADES_KEY_ENV, ""), os.environ.get(keys.PADES_CERT_ENV, "")
    if not (key and cert):
        return [
            _error(
                f"{keys.PADES_KEY_ENV} and {keys.PADES_CERT_ENV} are not both set: the PDFs would "
                f"be signed by a '{DEVELOPMENT_MARK}' CA generated in DATA_DIR/certificates.",
                "Install the bureau's signing certificate and key (docs/certificates.md) and set "
                f"{keys.PADES_KEY_ENV}, {keys.PADES_CERT_ENV} and {keys.PADES_CHAIN_ENV}.",
                4,
            )
        ]
    problems: list[checks.CheckMessage] = []
    paths = [Path(key), Path(cert)]
    for variable in (keys.PADES_CHAIN_ENV, keys.TRUST_ROOTS_ENV):
        paths.extend(Path(part) for part in os.environ.get(variable, "").split(":") if part)
    for path in paths:
        if not path.is_file() or not os.access(path, os.R_OK):
            problems.append(
                _error(
                    f"The certificate file {path} does not exist or cannot be read.",
                    "Mount the bureau's key files into every web and worker container.",
                    5,
                )
            )
        elif _inside_development_directory(path):
            problems.append(
                _error(
                    f"{path} is development material in DATA_DIR/certificates.",
                    "Use the bureau's own certificate and key, kept outside the data folder.",
                    6,
                )
            )
    if problems:
        return problems
    certificates = [Path(cert)] + [
        Path(part) for part in os.environ.get(keys.PADES_CHAIN_ENV, "").split(":") if part
    ]
    for path in certificates:
        try:
            loaded = _load_certificate(path)
        except ValueError as error:
            problems.append(_error(f"{path} is not a certificate: {error}", "Use PEM or DER.", 5))
            continue
        if _is_development_certificate(loaded):
            problems.append(
                _error(
                    f"{path} is a '{DEVELOPMENT_MARK}' certificate.",
                    "Use the bureau's own signing certificate and chain.",
                    6,
                )
            )
    if not problems and keys.pades_signer() is None:  # pyHanko logs why
        problems.append(
            _error(
                f"The key in {key} does not load with the certificate {cert}.",
                f"Check the key, the certificate and {keys.PADES_PASSPHRASE_ENV}.",
                7,
            )
        )
    return problems


@checks.register(PRODUCTION_KEYS_TAG)
def certificate_keys_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not production_checks_apply():
        return []
    return [*signing_key_problems(), *pades_problems()]
