from tests.certificates.conftest import _certificate_keys  # noqa: F401  (signing keys for issued())
