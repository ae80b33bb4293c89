"""System checks that refuse a production start without real keys.

With ``DEBUG`` off (production), a missing or development secret is an error-level system check,
so ``manage.py check --deploy``, ``migrate``, ``runserver`` and every other command that runs the
checks fail; the WSGI application (:mod:`titles.wsgi`) and the Celery worker and beat
(:mod:`titles.celery`) run the same checks at start-up and refuse to start
(:func:`refuse_start_on_errors`). ``./dev run`` turns ``DEBUG`` on and the test settings set
``DEVELOPMENT_KEYS_ALLOWED``: both keep the development keys.

This module checks the settings every part shares; ``certificates.checks`` checks the bureau's
certificate keys under the same tag.
"""

import ipaddress
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

PRODUCTION_KEYS_TAG = "production_keys"
# Shorter secrets are refused: 32 characters of `openssl rand -hex 32` are 128 bits.
SECRET_MIN_LENGTH = 32


def production_checks_apply() -> bool:
    """True when development keys must be refused: ``DEBUG`` off and not the test settings."""
    return not settings.DEBUG and not getattr(settings, "DEVELOPMENT_KEYS_ALLOWED", False)


def _error(msg: str, hint: str, number: int) -> checks.Error:
    return checks.Error(msg, hint=hint, id=f"titles.E{number:03d}")


def _is_loopback_host(host: str | None) -> bool:
    if not host:
        return True
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def secret_problems() -> list[checks.CheckMessage]:
    """SECRET_KEY, FIELD_ENCRYPTION_KEY and BALLOT_SECRET: set, long enough, all different."""
    problems: list[checks.CheckMessage] = []
    if not getattr(settings, "SECRET_KEY_FROM_ENVIRONMENT", True):
        problems.append(
            _error(
                "SECRET_KEY is not set: a key kept in DATA_DIR/secret_key is in use.",
                "Set SECRET_KEY to the same long random value on every machine "
                "(`openssl rand -hex 32`); a key per machine signs sessions, reset links and "
                "codes that the other machines reject.",
                1,
            )
        )
    named = {
        "FIELD_ENCRYPTION_KEY": (
            settings.FIELD_ENCRYPTION_KEY,
            "it encrypts resident ID numbers; unset, a key derived from SECRET_KEY is used and "
            "rotating SECRET_KEY makes every stored number unreadable.",
            2,
        ),
        "BALLOT_SECRET": (
            settings.BALLOT_SECRET or "",
            "the committee's ballot keys derive from it; unset, they derive from SECRET_KEY, "
            "which a files backup may hold.",
            3,
        ),
    }
    for name, (value, why, number) in named.items():
        if not value:
            problems.append(
                _error(
                    f"{name} is not set: {why}",
                    f"Set {name} to a long random value (`openssl rand -hex 32`), keep it in the "
                    "password safe and never lose it.",
                    number,
                )
            )
        elif len(value) < SECRET_MIN_LENGTH:
            problems.append(
                _error(
                    f"{name} is shorter than {SECRET_MIN_LENGTH} characters.",
                    f"Use a long random value (`openssl rand -hex 32`) for {name}.",
                    number,
                )
            )
    values = {
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
        "BALLOT_SECRET": settings.BALLOT_SECRET or "",
    }
    seen: dict[str, str] = {}
    for name, value in values.items():
        if value and value in seen:
            problems.append(
                _error(
                    f"{name} has the same value as {seen[value]}.",
                    "Each secret must be its own random value: one leaked value must not open "
                    "the others.",
                    4,
                )
            )
        seen.setdefault(value, name)
    return problems


def site_url_problems() -> list[checks.CheckMessage]:
    """SITE_URL names the public address: not unset, not this machine, https."""
    url = settings.SITE_URL or ""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or _is_loopback_host(parts.hostname):
        return [
            _error(
                f"SITE_URL is unset or points at this machine ({url or 'empty'}): links in "
                "emails (recommenders' links, notices) would not open for their readers.",
                "Set SITE_URL to the public address, e.g. https://titles.example.cn",
                5,
            )
        ]
    problems: list[checks.CheckMessage] = []
    if parts.scheme != "https":
        problems.append(
            checks.Warning(
                f"SITE_URL does not start with https:// ({url}).",
                hint="Serve the site over TLS and write its https:// address.",
                id="titles.W001",
            )
        )
    host = (parts.hostname or "").lower()
    allowed = [entry.lower() for entry in settings.ALLOWED_HOSTS]
    if not any(
        entry == "*"
        or entry == host
        or (entry.startswith(".") and host.endswith(entry))
        or (entry.startswith(".") and host == entry[1:])
        for entry in allowed
    ):
        problems.append(
            checks.Warning(
                f"The host of SITE_URL ({host}) is not in ALLOWED_HOSTS: links in emails would "
                "open an error page.",
                hint="Add it to ALLOWED_HOSTS.",
                id="titles.W002",
            )
        )
    return problems


def proxy_problems() -> list[checks.CheckMessage]:
    if getattr(settings, "BEHIND_PROXY", False) and not settings.TRUSTED_PROXIES:
        return [
            _error(
                "BEHIND_PROXY is on but TRUSTED_PROXIES is empty: no address would be trusted "
                "to forward the client's address.",
                "Set TRUSTED_PROXIES to the address or network of the reverse proxy.",
                6,
            )
        ]
    return []


def email_problems() -> list[checks.CheckMessage]:
    if settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
        return [
            checks.Warning(
                "EMAIL_HOST is not set: emails are written to the log, not sent.",
                hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, "
                "EMAIL_USE_TLS) to the mail relay.",
                id="titles.W003",
            )
        ]
    return []


@checks.register(PRODUCTION_KEYS_TAG)
def production_settings_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Registered for every run of the checks (not only ``--deploy``); silent in development."""
    if not production_checks_apply():
        return []
    return [*secret_problems(), *site_url_problems(), *proxy_problems(), *email_problems()]


def refuse_start_on_errors(process: str) -> None:
    """Run the production checks; on any error, explain on stderr and refuse to start.

    Called where Django's own checks do not run: the WSGI application (gunicorn) and the Celery
    worker and beat. Raises ``ImproperlyConfigured`` listing every error.
    """
    if not production_checks_apply():
        return
    errors = [
        message for message in checks.run_checks(tags=[PRODUCTION_KEYS_TAG]) if message.is_serious()
    ]
    if not errors:
        return
    text = "\n".join(f"  {error.id}: {error.msg}\n    HINT: {error.hint}" for error in errors)
    report = (
        f"The {process} refuses to start without real keys (DEBUG is off):\n{text}\n"
        "See docs/operations.md, 'Keys'."
    )
    # The real stderr: Celery replaces sys.stderr by a logger that may drop the text on exit.
    print(report, file=sys.__stderr__ or sys.stderr, flush=True)
    raise ImproperlyConfigured(report)
