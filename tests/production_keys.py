"""Real (non-development) keys for tests that run the production settings: what an operator
makes by following docs/certificates.md, made here with the same library."""

import datetime
import secrets
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SITE_URL = "https://titles.example.cn"


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Bureau"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _private_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def certificate_key_files(directory: Path) -> dict[str, str]:
    """A root CA, a PDF signer issued by it and an Ed25519 data key, written into ``directory``;
    returns the ``CERTIFICATE_*`` variables that name them. Valid for years either side of now:
    a test run's clock may be started elsewhere (--clock-start) while the processes it starts
    sign with the real one."""
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Bureau Root CA"))
        .issuer_name(_name("Test Bureau Root CA"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=3650))
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
            x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False
        )
        .sign(root_key, hashes.SHA256())
    )
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Bureau certificate signer"))
        .issuer_name(root.subject)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=3650))
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
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    (directory / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    (directory / "signer.pem").write_bytes(signer.public_bytes(serialization.Encoding.PEM))
    (directory / "signer-key.pem").write_bytes(_private_pem(signer_key))
    (directory / "data-key.pem").write_bytes(_private_pem(ed25519.Ed25519PrivateKey.generate()))
    for name in ("signer-key.pem", "data-key.pem"):
        (directory / name).chmod(0o600)
    return {
        "CERTIFICATE_SIGNING_KEY": str(directory / "data-key.pem"),
        "CERTIFICATE_PADES_KEY": str(directory / "signer-key.pem"),
        "CERTIFICATE_PADES_CERT": str(directory / "signer.pem"),
        "CERTIFICATE_PADES_CHAIN": str(directory / "root.pem"),
        "CERTIFICATE_TRUST_ROOTS": str(directory / "root.pem"),
    }


def production_environment(directory: Path) -> dict[str, str]:
    """Every variable the production checks ask for, with real values."""
    return {
        "SECRET_KEY": secrets.token_hex(32),
        "FIELD_ENCRYPTION_KEY": secrets.token_hex(32),
        "BALLOT_SECRET": secrets.token_hex(32),
        "SITE_URL": SITE_URL,
        "ALLOWED_HOSTS": "titles.example.cn",
        "EMAIL_HOST": "smtp.example.cn",
        **certificate_key_files(directory / "keys"),
    }
