"""Issue #22: `./dev run` with another PORT names that port in SITE_URL (emailed links, QR codes,
certificate footers); production refuses a loopback SITE_URL (test_production_checks)."""

import importlib
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def test_dev_run_names_its_own_port_in_site_url(monkeypatch):
    monkeypatch.syspath_prepend(str(SCRIPTS))
    launch = importlib.import_module("launch")
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setenv("PORT", "8123")
    assert launch.site_url_default() == "http://127.0.0.1:8123"
    monkeypatch.setenv("SITE_URL", "https://tunnel.example.cn")
    assert launch.site_url_default() == "https://tunnel.example.cn"
