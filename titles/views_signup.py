from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from titles.middleware import client_ip
from titles.models import User
from titles.people import person_sign_up
from titles.send_limits import send_limit_allow


class SignUpForm(UserCreationForm):
    real_name = forms.CharField(label=_("Real name"), max_length=100)
    email = forms.EmailField(label=_("Email"))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "real_name", "email")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists."))
        return email


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Applicants create their own account; every other role is granted by the bureau."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not send_limit_allow("signup", client_ip(request), limit=settings.SIGNUPS_PER_HOUR):
            form.add_error(
                None,
                _(
                    "Too many accounts were made from your network in the last hour. "
                    "Try again later."
                ),
            )
            return render(request, "registration/signup.html", {"form": form}, status=429)
        data = form.cleaned_data
        try:
            user = person_sign_up(
                username=data["username"],
                real_name=data["real_name"],
                email=data["email"],
                password=data["password1"],
                language=request.LANGUAGE_CODE or "zh-hans",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="titles.backends.AccountBackend")
            # A colleague invited by email comes back to the invitation; everyone else starts.
            next_url = request.POST.get("next") or request.GET.get("next") or ""
            if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                return redirect(next_url)
            return redirect("applications:new")
    return render(
        request,
        "registration/signup.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next") or ""},
    )
