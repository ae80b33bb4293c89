"""Two-factor recovery codes: signing in with one, and making a new set (titles.recovery_codes)."""

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from titles.forms_auth import RecoveryCodeForm
from titles.recovery_codes import (
    RECOVERY_CODE_COUNT,
    recovery_code_verify,
    recovery_codes_generate,
    recovery_codes_remaining,
)
from titles.twofactor import Gate, totp_device_of, two_factor_gate


def next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@sensitive_post_parameters("code")
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_recovery(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in with a recovery code instead of the authenticator's code."""
    if request.user.is_verified() or two_factor_gate(request.user) is Gate.OPEN:
        return redirect(next_url(request))
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = recovery_code_verify(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            request.session.cycle_key()
            django_otp.login(request, device)
            left = recovery_codes_remaining(user=request.user)
            messages.warning(
                request,
                ngettext(
                    "You signed in with a recovery code; %(count)d code is left. Make a new "
                    "set on the recovery codes page.",
                    "You signed in with a recovery code; %(count)d codes are left. Make a new "
                    "set on the recovery codes page.",
                    left,
                )
                % {"count": left},
            )
            return redirect(next_url(request))
    return render(request, "twofactor/recovery.html", {"form": form, "next": next_url(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left; a new set, shown once, on request."""
    user = request.user
    if not user.is_verified() or totp_device_of(user) is None:
        return redirect(reverse("two_factor_setup"))
    codes = recovery_codes_generate(user=user) if request.method == "POST" else None
    return render(
        request,
        "twofactor/recovery_codes.html",
        {
            "codes": codes,
            "remaining": recovery_codes_remaining(user=user),
            "count": RECOVERY_CODE_COUNT,
            "next": next_url(request),
            "page_title": _("Recovery codes"),
        },
    )
