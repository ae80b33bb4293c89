"""The shared domain models, one module per part (people, calendar, audit, notifications)."""

from titles.models.audit import AuditEvent
from titles.models.calendar import *  # noqa: F403
from titles.models.membership import *  # noqa: F403
from titles.models.notifications import *  # noqa: F403
from titles.models.people import *  # noqa: F403
from titles.models.rounds import Round
from titles.models.signin import SignInThrottle
from titles.models.user import User

__all__ = ["AuditEvent", "Round", "SignInThrottle", "User"]
