from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    """The 6-digit code from an authenticator app (checked by the two-factor services)."""

    token = forms.CharField(
        label=_("6-digit code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"[0-9 ]*",
                "autofocus": True,
            }
        ),
        error_messages={"required": _("Enter the 6-digit code shown in your authenticator app.")},
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with the user name's length checked before ``authenticate``.

    Django sets the field's ``max_length`` after the field is built, so no validator checks it:
    a 6,000-character name reached django-axes' record of failures (255 characters) and
    answered 500 (found by the stray-bytes fuzz, issue #27)."""

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form; the email is written in the recipient's own language."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        language = getattr(context["user"], "preferred_language", "") or settings.LANGUAGE_CODE
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )


class RecoveryCodeForm(forms.Form):
    """One of the person's two-factor recovery codes (checked by titles.recovery_codes)."""

    code = forms.CharField(
        label=_("Recovery code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "autofocus": True}
        ),
        error_messages={"required": _("Enter one of your recovery codes.")},
    )
