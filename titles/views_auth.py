"""Sign-in, the lockout page, two-factor pages, password reset (services: titles.twofactor)."""

import unicodedata
from urllib.parse import urlencode

import django_otp
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from titles.forms_auth import PasswordResetRequestForm, SignInForm, TokenForm
from titles.middleware import client_ip
from titles.send_limits import send_limit_allow
from titles.signin_throttle import (
    known_device_for,
    known_device_remember,
    sign_in_challenged,
    sign_in_code_check,
    sign_in_code_send,
    sign_in_code_spend,
    sign_in_failure_count,
)
from titles.twofactor import (
    ENROLMENT_SESSION_KEY,
    enrolment_key_for,
    password_reset_record,
    sign_in_failure_record,
    sign_in_record,
    totp_device_enrol,
    totp_device_of,
    totp_device_verify,
    totp_provisioning_uri,
    totp_qr_svg,
    totp_secret_grouped,
)

# --- Sign-in and lockout ---------------------------------------------------------------------


def _username_posted(request: HttpRequest) -> str:
    """The user name as the sign-in form cleans it (trimmed, NFKC), without validating the form
    (validating it checks the password)."""
    return unicodedata.normalize("NFKC", str(request.POST.get("username", "")).strip())[:150]


class SignInView(auth_views.LoginView):
    """Django's sign-in (django-axes counts failures per name and address); every outcome is
    audited. Wrong passwords per user name from all addresses are counted too, and past a limit
    an unknown browser needs an emailed code before the password is even checked
    (``titles.signin_throttle``)."""

    redirect_authenticated_user = True
    authentication_form = SignInForm

    def post(self, request, *args, **kwargs):
        username = _username_posted(request)
        if request.POST.get("action") == "send_code":
            if username:
                sign_in_code_send(username=username)
            return self._challenge(username, code_sent=True)
        if (
            username
            and sign_in_challenged(username=username)
            and not known_device_for(request, username=username)
            and not sign_in_code_check(username=username, code=request.POST.get("code", ""))
        ):
            return self._challenge(username, code_wrong=bool(request.POST.get("code")))
        return super().post(request, *args, **kwargs)

    def _challenge(self, username: str, **flags) -> HttpResponse:
        """The sign-in page asking for the emailed code; the password was not checked."""
        form = self.get_form_class()(self.request, initial={"username": username})
        return self.render_to_response(self.get_context_data(form=form, challenge=True, **flags))

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        sign_in_record(user=user)
        sign_in_code_spend(username=user.get_username())
        known_device_remember(self.request, response, user=user)
        return response

    def form_invalid(self, form):
        request = self.request
        sign_in_failure_record(
            username=str(form.data.get("username", ""))[:150],
            locked_out=bool(getattr(request, "axes_locked_out", False)),
            failures=getattr(request, "axes_failures_since_start", None),
            failure_limit=get_failure_limit(request, {"username": form.data.get("username")}),
        )
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):  # a password was checked
            sign_in_failure_count(username=form.cleaned_data.get("username", ""))
        return super().form_invalid(form)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout response (``AXES_LOCKOUT_CALLABLE``): a page in the user's language."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(
        request,
        "registration/locked_out.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


# --- Two-factor ------------------------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, request: HttpRequest) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': _next_url(request)})}"


def _otp_sign_in(request: HttpRequest, device) -> None:
    """Mark this session verified by ``device``; a new session key for the raised privilege."""
    request.session.cycle_key()
    django_otp.login(request, device)


@never_cache
@sensitive_post_parameters("token")
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in: the code of the person's confirmed device."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if totp_device_of(request.user) is None:
        return redirect(_with_next("two_factor_setup", request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_device_verify(user=request.user, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error)
        else:
            _otp_sign_in(request, device)
            return redirect(_next_url(request))
    return render(request, "twofactor/verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@sensitive_post_parameters("token")
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrolment: a QR code and the secret in text; the device is confirmed by a correct code."""
    user = request.user
    if totp_device_of(user) is not None:
        if user.is_verified():
            messages.info(request, _("Two-factor sign-in is already set up for your account."))
            return redirect(_next_url(request))
        return redirect(_with_next("two_factor_verify", request))
    key_hex = enrolment_key_for(request.session)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_device_enrol(user=user, key_hex=key_hex, token=form.cleaned_data["token"])
        except ValidationError as error:
            form.add_error("token", error)
        else:
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            _otp_sign_in(request, device)
            messages.success(
                request,
                _(
                    "Two-factor sign-in is set up. "
                    "From now on you will enter a code when you sign in."
                ),
            )
            # Next: the recovery codes, for the day the phone is lost.
            return redirect(_with_next("two_factor_recovery_codes", request))
    uri = totp_provisioning_uri(user=user, key_hex=key_hex)
    return render(
        request,
        "twofactor/setup.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_svg": totp_qr_svg(uri),
            "secret": totp_secret_grouped(key_hex),
            "account": user.get_username(),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


# --- Password reset --------------------------------------------------------------------------


class PasswordResetRequestView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm

    def form_valid(self, form):
        """Each request sends an email: at most ``PASSWORD_RESETS_PER_HOUR`` per client address
        and per email address (whether or not an account has it, so the answer reveals none)."""
        limit = settings.PASSWORD_RESETS_PER_HOUR
        by_address = send_limit_allow("password_reset", client_ip(self.request), limit=limit)
        by_email = send_limit_allow("password_reset_email", form.cleaned_data["email"], limit=limit)
        if not (by_address and by_email):
            form.add_error(
                None,
                _("Too many password reset emails were asked for. Try again in an hour."),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)

    @property
    def extra_email_context(self):
        """Links in the email start at ``SITE_URL``, never at the Host header of the request."""
        return {"site_url": settings.SITE_URL.rstrip("/")}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        password_reset_record(user=form.user)
        return response
