"""Error reports (Sentry, on with SENTRY_DSN) reach the service without ballot or personal data.

The Sentry service is outside the project, so a real HTTP server here plays its ingestion
endpoint; the site runs in a child process with the real SDK switched on by the variable."""

import gzip
import json
import os
import subprocess
import sys
import textwrap
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
ID_NUMBER = "11010519491231002X"
SECRETS = ("oppose", ID_NUMBER, "654321", "session-secret-value", "zhang.wei@example.cn", "张伟")

SITE = textwrap.dedent(
    f"""
    import logging
    import django
    django.setup()
    import sentry_sdk
    import titles.views

    def boom(request):
        choice = request.POST.get("choice")  # a local variable holding a ballot choice
        id_number = "{ID_NUMBER}"
        code = "654321"
        raise ValueError(f"failed for {{id_number}} with code: {{code}} ({{len(choice)}})")

    titles.views.home = boom  # before the URLs are loaded
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "session-secret-value"
    response = client.post(
        "/",
        {{"choice": "oppose", "id_number": "{ID_NUMBER}", "email": "zhang.wei@example.cn",
          "real_name": "张伟"}},
    )
    assert response.status_code == 500, response.status_code
    logging.getLogger("titles.example").error(
        "recommender code: 654321 sent to zhang.wei@example.cn for {ID_NUMBER}"
    )
    sentry_sdk.flush(10)
    print("done")
    """
)


class Ingestion(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli  # the SDK compresses with brotli when it is installed (it is here)

            body = brotli.decompress(body)
        elif encoding:
            raise AssertionError(f"unexpected encoding {encoding}")
        Ingestion.received.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_server():
    Ingestion.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Ingestion)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


def events(received: list[bytes]) -> list[dict]:
    """The event items of the envelopes (a header line, then item header and payload lines)."""
    found = []
    for envelope in received:
        lines = envelope.split(b"\n")
        for index, line in enumerate(lines[1:], start=1):
            try:
                header = json.loads(line)
            except ValueError:
                continue
            if isinstance(header, dict) and header.get("type") == "event":
                found.append(json.loads(lines[index + 1]))
    return found


@pytest.mark.django_db
def test_an_error_report_carries_no_ballot_or_personal_data(sentry_server):
    database = connection.settings_dict
    port = sentry_server.server_address[1]
    result = subprocess.run(
        [sys.executable, "-c", SITE],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "titles.settings_test",
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}"
                f"/{database['NAME']}"
            ),
            "SENTRY_DSN": f"http://public@127.0.0.1:{port}/1",
            "SENTRY_ENVIRONMENT": "test",
            "ALLOWED_HOSTS": "testserver",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = events(Ingestion.received)
    assert {event["level"] for event in found} == {"error"}
    exception = next(event for event in found if "exception" in event)
    value = exception["exception"]["values"][-1]
    assert value["type"] == "ValueError"
    assert value["value"] == "failed for [redacted] with code: [redacted] (6)"
    # The test client bypasses the WSGI layer that adds the method and URL; the body is gone.
    assert set(exception["request"]) <= {"method", "url"}
    assert exception["transaction"] == "/"
    assert exception["user"] == {}
    assert len(exception["tags"]["request_id"]) == 32
    assert exception["environment"] == "test"
    assert all("vars" not in frame for frame in value["stacktrace"]["frames"])
    message = next(event for event in found if "logentry" in event)
    assert message["logentry"]["message"] == (
        "recommender code: [redacted] sent to [redacted] for [redacted]"
    )
    raw = b"".join(Ingestion.received).decode("utf-8", "replace")
    for secret in SECRETS:
        assert secret not in raw, secret
