"""Optional error reports to Sentry, switched on by ``SENTRY_DSN`` (titles.settings).

What is sent: the exception's type, its scrubbed message and stack trace (file, line, function;
no local variables), the route, the request id, the user's primary key, and scrubbed log lines as
breadcrumbs. What is never sent: request bodies (ballot choices, codes, ID numbers are posted),
cookies, headers, query strings, local variables, SQL parameters, names or email addresses.
Every text left is passed through :func:`scrub` (ID numbers, codes, personal links, email
addresses).
"""

import re

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber

from titles.logs import REDACTED, current_user_id, request_id_var
from titles.logs import scrub as scrub_log_text

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def scrub(text: str) -> str:
    """What the logs blank (titles.logs.scrub), and email addresses: a report leaves the site."""
    return _EMAIL.sub(REDACTED, scrub_log_text(text))


# Keys blanked wherever they appear in an event (on top of Sentry's own list of secrets).
DENYLIST = sorted(
    {
        *DEFAULT_DENYLIST,
        *DEFAULT_PII_DENYLIST,
        "choice",
        "ballot",
        "ballots",
        "vote",
        "id_number",
        "id_number_encrypted",
        "id_number_hash",
        "code",
        "token",
        "otp_token",
        "recovery_code",
        "real_name",
        "name",
        "email",
        "phone",
        "to_address",
        "body",
        "subject",
        "statement",
        "objector_real_name",
        "contact",
    }
)
REQUEST_KEYS_KEPT = ("method", "url")


def _scrub_text_fields(values: list[dict], *keys: str) -> None:
    for value in values:
        for key in keys:
            if isinstance(value.get(key), str):
                value[key] = scrub(value[key])


def event_scrub(event: dict, hint: dict | None = None) -> dict:
    """``before_send``: keep what helps find a bug, drop what could identify or reveal."""
    request = event.get("request")
    if isinstance(request, dict):
        kept = {key: request[key] for key in REQUEST_KEYS_KEPT if key in request}
        if "url" in kept:
            kept["url"] = scrub(str(kept["url"]).split("?", 1)[0])
        event["request"] = kept
    user_id = current_user_id()
    event["user"] = {"id": str(user_id)} if user_id is not None else {}
    event.pop("extra", None)
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception.get("value"), str):
            exception["value"] = scrub(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        if isinstance(logentry.get("message"), str):
            logentry["message"] = scrub(logentry["message"])
        if isinstance(logentry.get("formatted"), str):
            logentry["formatted"] = scrub(logentry["formatted"])
        logentry.pop("params", None)
    if isinstance(event.get("message"), str):
        event["message"] = scrub(event["message"])
    breadcrumbs = event.get("breadcrumbs")
    values = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    for crumb in values or []:
        breadcrumb_scrub(crumb, None)
    request_id = request_id_var.get()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def breadcrumb_scrub(crumb: dict, hint: dict | None = None) -> dict:
    """``before_breadcrumb``: messages scrubbed; SQL parameters and other data dropped."""
    if isinstance(crumb.get("message"), str):
        crumb["message"] = scrub(crumb["message"])
    data = crumb.get("data")
    if isinstance(data, dict):
        crumb["data"] = {
            key: (scrub(value) if isinstance(value, str) else value)
            for key, value in data.items()
            if key in {"url", "method", "status_code", "reason"}
        }
        if isinstance(crumb["data"].get("url"), str):
            crumb["data"]["url"] = crumb["data"]["url"].split("?", 1)[0]
    return crumb


def error_reporting_init(*, dsn: str, environment: str, release: str | None) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        event_scrubber=EventScrubber(denylist=DENYLIST, recursive=True),
        before_send=event_scrub,
        before_breadcrumb=breadcrumb_scrub,
        traces_sample_rate=0,
    )


__all__ = ["breadcrumb_scrub", "error_reporting_init", "event_scrub", "scrub"]
