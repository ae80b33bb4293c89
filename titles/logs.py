"""Logs: one JSON object per line in production, with the request's id and user, scrubbed.

Every line carries ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, ``request_id``
and ``user_id`` (the signed-in person's primary key, or null), plus the request fields of the
request log line (``method``, ``route``, ``view``, ``status``, ``duration_ms``) and a formatted
``exception`` when there is one. The request id is the ``X-Request-ID`` the trusted proxy sent, or
a new one, and is returned to the client in the same header (titles.middleware_ops); in a
Celery task it is the task's id.

What never reaches a line: ballot choices and codes are never logged by the code (ballot casts
and code checks log nothing, Django logs no POST data); as a second line of defence every line is
passed through :func:`scrub`, which blanks resident ID numbers, six-digit codes after the word
"code", recommenders' personal links, password-reset links and query strings. Paths are logged as
their route pattern (``recommend/<str:token>/``), never as requested.
"""

import contextvars
import json
import logging
import re
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "titles_request_id", default=None
)
request_var: contextvars.ContextVar[object | None] = contextvars.ContextVar(
    "titles_request", default=None
)

REDACTED = "[redacted]"
_SCRUBBERS = [
    # A resident ID number (18 characters, GB 11643), alone or inside a longer text.
    (re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{9}[\dXx](?![0-9A-Za-z])"), REDACTED),
    # A recommender's personal link and a password-reset link: the token is the key.
    (re.compile(r"(/recommend/)[^/\s\"'?#]+"), r"\1" + REDACTED),
    (re.compile(r"(/accounts/reset/)[^\s\"'?#]+"), r"\1" + REDACTED),
    # A query string (a QR signature, a next URL with a token).
    (re.compile(r"(/[^\s\"'?#]*)\?[^\s\"'#]+"), r"\1?" + REDACTED),
    # A code named as one ("code: 123456", "验证码 123456", "code=123456").
    (re.compile(r"(?i)(code|token|验证码|确认码)(\W{0,3})\d{4,8}\b"), r"\1\2" + REDACTED),
]
# Extra fields a record may carry into the JSON line (the request log line's).
REQUEST_FIELDS = ("method", "route", "view", "status", "duration_ms", "task", "task_id")


def scrub(text: str) -> str:
    """``text`` with ID numbers, codes, personal links and query strings blanked."""
    for pattern, replacement in _SCRUBBERS:
        text = pattern.sub(replacement, text)
    return text


def current_user_id() -> int | None:
    """The signed-in person of the current request, if the request has loaded them already
    (never a query of its own: a log line must not touch the database)."""
    request = request_var.get()
    if request is None:
        return None
    user = getattr(request, "__dict__", {}).get("_cached_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` to every record (for the text format too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.user_id = current_user_id()
        return True


class ScrubbingFormatter(logging.Formatter):
    """The plain text format (development), scrubbed like the JSON one."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            RequestContextFilter().filter(record)
        return scrub(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line (``ensure_ascii`` off: Chinese stays readable)."""

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            RequestContextFilter().filter(record)
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "request_id": record.request_id,
            "user_id": record.user_id,
        }
        for field in REQUEST_FIELDS:
            value = record.__dict__.get(field)
            if value is not None:
                line[field] = value
        if record.exc_info:
            line["exception"] = scrub(self.formatException(record.exc_info))
        elif record.exc_text:
            line["exception"] = scrub(record.exc_text)
        if record.stack_info:
            line["stack"] = scrub(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False, default=str)


def logging_config(*, log_format: str, level: str) -> dict:
    """The ``LOGGING`` setting: one console handler in ``log_format`` ("json" or "text")."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "titles.logs.RequestContextFilter"}},
        "formatters": {
            "json": {"()": "titles.logs.JsonFormatter"},
            "text": {
                "()": "titles.logs.ScrubbingFormatter",
                "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            "axes": {"level": "WARNING"},  # failures and lockouts; not every successful sign-in
            # The request log line (titles.middleware_ops) replaces Django's "Not Found: /path".
            "django.request": {"level": "ERROR"},
            # gunicorn's own lines go through the same handler (titles/gunicorn.py).
            "gunicorn.error": {"level": level, "handlers": ["console"], "propagate": False},
        },
    }
