"""The kinds of notice, and how a notice reads: the templates each stage registers, rendered
into the reader's language. Below both the notification model (its ``text``) and the services
that write notices (``titles.notifications``)."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

# --- the registry of kinds ------------------------------------------------------------------


@dataclass(frozen=True)
class NotificationKind:
    kind: str
    subject: str | Promise
    body: str | Promise
    text: str | Promise | None = None  # the in-app line; the subject when not given
    # For an email that carries a code or a personal link: how long that stays valid (a
    # timedelta, or a function returning one, read when the sweep runs). After it, the stored
    # body is erased (titles.notifications.outbox_retention_sweep).
    erase_after: "timedelta | Callable[[], timedelta] | None" = None

    def erase_delay(self) -> timedelta | None:
        return self.erase_after() if callable(self.erase_after) else self.erase_after


NOTIFICATION_KINDS: dict[str, NotificationKind] = {}


def notification_kind_register(
    kind: str,
    *,
    subject: str | Promise,
    body: str | Promise,
    text: str | Promise | None = None,
    erase_after: "timedelta | Callable[[], timedelta] | None" = None,
) -> NotificationKind:
    """Register (or replace) a kind of notice: its email subject and body and its in-app line.

    Each is a ``gettext_lazy`` template with ``%(name)s`` or ``{name}`` placeholders that the
    context passed to :func:`notify` fills. Registering the same kind again replaces it. A kind
    whose email carries a code or a personal link names how long that stays valid
    (``erase_after``): the stored body is erased once it has expired.
    """
    if not kind or len(kind) > 80:
        raise ValueError(f"A notification kind needs a name of 1 to 80 characters, not {kind!r}.")
    spec = NotificationKind(
        kind=kind, subject=subject, body=body, text=text, erase_after=erase_after
    )
    NOTIFICATION_KINDS[kind] = spec
    return spec


def notification_kind(kind: str) -> NotificationKind:
    try:
        return NOTIFICATION_KINDS[kind]
    except KeyError:
        raise ValueError(f"Unknown notification kind {kind!r}: register it first.") from None


def registered_notification_kinds() -> list[str]:
    return sorted(NOTIFICATION_KINDS)


class _Lenient(dict):
    """A context that shows a missing placeholder as nothing (old notices, changed templates)."""

    def __missing__(self, key):
        return ""


_PERCENT_PLACEHOLDER = re.compile(r"%\([^)]+\)[sd]")


PROVISIONAL_SUFFIX = "_provisional"


def deadline_context(name: str, text: str, *, provisional: bool) -> dict:
    """A deadline for a notice's context: ``name`` is the date as text, and ``<name>_provisional``
    says whether its year is provisional; the notice then shows the mark after the date, in the
    reader's language (rule 1: every deadline carries it, in every email)."""
    return {name: text, f"{name}{PROVISIONAL_SUFFIX}": bool(provisional)}


def _with_marks(context: Mapping) -> dict:
    """``context`` with each provisional deadline's mark appended, in the active language."""
    values = dict(context)
    for key, flag in context.items():
        if key.endswith(PROVISIONAL_SUFFIX) and flag:
            name = key[: -len(PROVISIONAL_SUFFIX)]
            if name in values:
                values[name] = f"{values[name]} {_('(provisional)')}"
    return values


def render_template(template: str | Promise, context: Mapping, *, strict: bool = True) -> str:
    """Fill ``template`` (translated into the active language) from ``context``.

    ``strict`` raises ``ValueError`` for a missing placeholder; otherwise it renders as empty.
    A deadline given with :func:`deadline_context` shows its provisional mark.
    """
    text = str(template)
    context = _with_marks(context)
    values = dict(context) if strict else _Lenient(context)
    try:
        if _PERCENT_PLACEHOLDER.search(text):
            return text % values
        return text.format_map(values)
    except (KeyError, IndexError) as exc:
        raise ValueError(f"The template {text!r} needs {exc} in its context.") from exc


def is_safe_relative_url(url: str) -> bool:
    """True for a same-site path such as ``/applications/3/`` (no scheme, no host)."""
    return (
        bool(url)
        and url.startswith("/")
        and not url.startswith("//")
        and "\\" not in url
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


def notification_text(notification) -> str:
    """The in-app line of ``notification`` in the active (the viewer's) language."""
    spec = NOTIFICATION_KINDS.get(notification.kind)
    if spec is None:
        return _("Notification")
    return render_template(spec.text or spec.subject, notification.context or {}, strict=False)
