"""Production logs: one JSON object per line, with request id and user, and no secrets."""

import io
import json
import logging

import pytest
from django.test import Client

from committee import services as committee_services
from tests.committee.factories import in_session
from tests.factories import UserFactory, sign_in_verified
from titles.logs import JsonFormatter, RequestContextFilter, request_id_var, scrub

ID_NUMBER = "11010519491231002X"


@pytest.fixture
def log_lines():
    """Every record of every logger, down to DEBUG, as the production handler writes it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    saved = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    lines: list[dict] = []

    def read() -> list[dict]:
        text = stream.getvalue()
        lines[:] = [json.loads(line) for line in text.splitlines()]
        assert len(lines) == text.count("\n")  # one object per line, never spread over lines
        return lines

    yield read
    root.removeHandler(handler)
    root.setLevel(saved)


def test_a_line_has_exactly_the_fields_and_is_scrubbed():
    record = logging.LogRecord(
        "titles.example",
        logging.WARNING,
        __file__,
        1,
        "number %s, code: %s",
        (ID_NUMBER, "123456"),
        None,
    )
    token = request_id_var.set("abc123def456")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert set(line) == {"time", "level", "logger", "message", "request_id", "user_id"}
    assert line["level"] == "WARNING"
    assert line["logger"] == "titles.example"
    assert line["message"] == "number [redacted], code: [redacted]"
    assert line["request_id"] == "abc123def456"
    assert line["user_id"] is None
    assert line["time"].endswith("+00:00")


def test_an_exception_stays_on_one_line_and_is_scrubbed():
    try:
        raise ValueError(f"bad number {ID_NUMBER}")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), None)
        import sys

        record.exc_info = sys.exc_info()
    text = JsonFormatter().format(record)
    assert "\n" not in text
    line = json.loads(text)
    assert "ValueError: bad number [redacted]" in line["exception"]
    assert ID_NUMBER not in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /recommend/eyJyIjoxfQ:1tX:abc/ 404", "GET /recommend/[redacted]/ 404"),
        ("/accounts/reset/MQ/cx3-abc/", "/accounts/reset/[redacted]"),
        ("/verify/BJGZ-2026-000001/?s=SIGNATURE", "/verify/BJGZ-2026-000001/?[redacted]"),
        ("您的验证码：654321。", "您的验证码：[redacted]。"),
        ("id 110105194912310021 and 110105194912310021", "id [redacted] and [redacted]"),
        ("application 42 in 2026", "application 42 in 2026"),
    ],
)
def test_scrub(text, expected):
    assert scrub(text) == expected


@pytest.mark.django_db
def test_each_request_logs_one_line_with_its_id_route_and_user(log_lines):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    response = client.get("/dashboard/")
    request_lines = [line for line in log_lines() if line["logger"] == "titles.request"]
    assert len(request_lines) == 1
    line = request_lines[0]
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert (line["user_id"], line["method"], line["route"], line["view"], line["status"]) == (
        user.pk,
        "GET",
        "dashboard/",
        "dashboard",
        200,
    )
    assert isinstance(line["duration_ms"], float)


@pytest.mark.django_db
def test_a_request_id_from_an_untrusted_peer_is_not_taken(settings):
    response = Client().get(
        "/healthz", HTTP_X_REQUEST_ID="forged-id-0001", REMOTE_ADDR="198.51.100.9"
    )
    assert response["X-Request-ID"] != "forged-id-0001"
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="proxy-id-0001", REMOTE_ADDR="127.0.0.1")
    assert response["X-Request-ID"] == "proxy-id-0001"


@pytest.mark.django_db
def test_a_personal_link_is_logged_as_its_route(log_lines):
    Client().get("/recommend/not-a-valid-token-at-all/")
    text = json.dumps(log_lines(), ensure_ascii=False)
    assert "not-a-valid-token-at-all" not in text
    assert '"route": "recommend/<str:token>/"' in text


@pytest.mark.django_db
def test_no_choice_code_or_id_number_reaches_the_logs(log_lines):
    _meeting, [item], voters, chairman = in_session(members=2)
    committee_services.ballot_open(item=item, actor=chairman)
    for voter, choice in zip(voters, ("oppose", "abstain", "consent"), strict=False):
        client = sign_in_verified(Client(), voter)
        client.post(f"/committee/items/{item.pk}/vote/", {"choice": choice})
    applicant = UserFactory()
    client = Client()
    client.force_login(applicant)
    client.post(
        "/accounts/2fa/verify/", {"token": "654321"}
    )  # a code typed somewhere it is not expected
    client.post("/accounts/signup/", {"username": "x", "id_number": ID_NUMBER})
    text = json.dumps(log_lines(), ensure_ascii=False)
    assert text.count('"logger": "titles.request"') >= 5
    for secret in ("oppose", "abstain", "consent", "654321", ID_NUMBER):
        assert secret not in text
