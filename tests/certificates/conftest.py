import pytest


@pytest.fixture(autouse=True)
def _certificate_keys(settings, tmp_path_factory, monkeypatch):
    """One development key and CA per test session (generated into its own data directory)."""
    for name in (
        "CERTIFICATE_SIGNING_KEY",
        "CERTIFICATE_PADES_KEY",
        "CERTIFICATE_PADES_CERT",
        "CERTIFICATE_PADES_CHAIN",
        "CERTIFICATE_TRUST_ROOTS",
    ):
        monkeypatch.delenv(name, raising=False)
    settings.DATA_DIR = _session_data_dir(tmp_path_factory)
    settings.SITE_URL = "https://zc.rsj.beijing.example.cn"


_DATA_DIR = []


def _session_data_dir(tmp_path_factory):
    if not _DATA_DIR:
        _DATA_DIR.append(tmp_path_factory.mktemp("certificate-keys"))
    return _DATA_DIR[0]
