"""Enforces two-factor sign-in on every page (after ``django_otp.middleware.OTPMiddleware``).

A signed-in person who is not verified in this session and whose gate is not ``OPEN`` (a staff
role or staff account, or a confirmed device) is sent to the code page, or to the enrolment page
when they have no device yet, before anything else. Only sign-out, the two-factor pages, static
files, ``/healthz`` and the language switch stay open. Anonymous visitors of the admin's own
sign-in page are sent to the site's sign-in page, the only one with lockout and the second step.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse

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
        if gate is Gate.OPEN:
            return None
        page = "two_factor_verify" if gate is Gate.VERIFY else "two_factor_setup"
        return _redirect_with_next(
            reverse(page), request.get_full_path() if request.method == "GET" else ""
        )


def _redirect_with_next(url: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{url}?{urlencode({'next': next_url})}" if next_url else url)
