from django import forms
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from titles.enums import Role
from titles.middleware import client_ip
from titles.models import User
from titles.people import role_grant
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
        user = form.save(commit=False)
        user.preferred_language = (request.LANGUAGE_CODE or "zh-hans")[:10]
        user.save()
        role_grant(user=user, role=Role.APPLICANT, actor=user)
        login(request, user, backend="titles.backends.AccountBackend")
        return redirect("dashboard")
    return render(request, "registration/signup.html", {"form": form})
