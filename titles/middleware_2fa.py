"""Enforces two-factor sign-in on every page (after ``django_otp.middleware.OTPMiddleware``).

A signed-in person who is not verified in this session and whose gate is not ``OPEN`` (a staff
role or staff account, or a confirmed device) is sent to the code page, or to the enrolment page
when they have no device yet, before anything else. Only sign-out, the two-factor pages, static
files, ``/healthz``, the language switch and sign-in with a recovery code stay open. Anonymous
visitors of the admin's own sign-in page are sent to the site's sign-in page, the only one with
lockout and the second step.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from titles.twofactor import Gate, two_factor_gate


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def open_paths(self) -> tuple[str, ...]:
        """Path prefixes served without the second factor (resolved once, URLconf loaded)."""
        if self._open_paths is None:
            self._open_paths = (
                "/" + settings.STATIC_URL.lstrip("/"),
                reverse("logout"),
                reverse("healthz"),
                reverse("set_language"),
                reverse("two_factor_verify"),
                reverse("two_factor_setup"),
                reverse("two_factor_recovery"),
            )
        return self._open_paths

    def __call__(self, request):
        return self.redirect_for(request) or self.get_response(request)

    def redirect_for(self, request) -> HttpResponseRedirect | None:
        path = request.path_info
        if path.startswith(self.open_paths()):
            return None
        user = request.user
        if not user.is_authenticated:
            if path == reverse("admin:login"):
                target = request.GET.get("next") or reverse("admin:index")
                return _redirect_with_next(resolve_url(settings.LOGIN_URL), target)
            return None
        if user.is_verified():
            return None
        gate = two_factor_gate(user)
        request.two_factor_gate = gate  # read again by the header (context processor)
        if gate is Gate.OPEN:
            return None
        page = "two_factor_verify" if gate is Gate.VERIFY else "two_factor_setup"
        return _redirect_with_next(
            reverse(page), request.get_full_path() if request.method == "GET" else ""
        )


def _redirect_with_next(url: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)


# The session key holding the time (epoch seconds) of the last page a two-factor person opened.
LAST_SEEN_SESSION_KEY = "two_factor_last_seen"
# The last-seen time is written at most this often: not a session write on every page.
LAST_SEEN_WRITE_SECONDS = 60


def last_seen_at_sign_in(sender, request, user, **kwargs) -> None:
    """Start the idle clock at sign-in (``user_logged_in``), in the session that is being saved
    anyway, so the first pages after it write nothing (connected in ``TitlesConfig.ready``)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_SEEN_SESSION_KEY] = timezone.now().timestamp()


class TwoFactorSessionMiddleware:
    """Shorter sessions for the people two-factor sign-in protects: a session verified with a
    second factor (every staff role, staff account, and anyone who enrolled) is signed out after
    ``TWO_FACTOR_SESSION_IDLE_SECONDS`` (8 hours unless set) without a page.

    The session's own expiry is set to the same age and renewed with the last-seen time, so the
    session row also dies in the database; other people keep Django's two weeks. Reading
    ``is_verified()`` costs nothing (django-otp's middleware loaded the device already).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.is_verified():
            idle = settings.TWO_FACTOR_SESSION_IDLE_SECONDS
            now = timezone.now().timestamp()
            last_seen = request.session.get(LAST_SEEN_SESSION_KEY)
            if last_seen is not None and now - last_seen > idle:
                logout(request)
                messages.info(
                    request,
                    _("You were signed out after %(hours)s hours without activity.")
                    % {"hours": round(idle / 3600, 1) if idle % 3600 else idle // 3600},
                )
                target = request.get_full_path() if request.method == "GET" else ""
                return _redirect_with_next(resolve_url(settings.LOGIN_URL), target)
            if last_seen is None or now - last_seen >= LAST_SEEN_WRITE_SECONDS:
                request.session[LAST_SEEN_SESSION_KEY] = now
                # A little longer than the limit: the check above signs out (with a message)
                # before the session row expires on its own.
                request.session.set_expiry(idle + LAST_SEEN_WRITE_SECONDS)
        return self.get_response(request)
