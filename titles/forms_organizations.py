"""Forms of the organization pages: registering, inviting, joining, the bureau's decision."""

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from titles.enums import BeijingDistrict, InvitationRole, OrganizationKind, OrganizationStatus
from titles.models import Organization, User, credit_code_validate
from titles.people import SELF_REGISTERING_KINDS, organizations_joinable


class OrganizationRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Full name of the organization"), max_length=200)
    name_en = forms.CharField(label=_("Name in English (optional)"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Kind of organization"),
        choices=[(kind.value, kind.label) for kind in SELF_REGISTERING_KINDS],
    )
    district = forms.ChoiceField(
        label=_("District (district HR bureaus only)"),
        choices=[("", "—"), *BeijingDistrict.choices],
        required=False,
    )
    unified_social_credit_code = forms.CharField(
        label=_("Unified social credit code"),
        min_length=18,
        max_length=18,
        help_text=_("18 characters, as on the business licence or registration certificate."),
    )
    hr_email = forms.EmailField(label=_("Email of the HR department"))

    def clean_unified_social_credit_code(self):
        code = self.cleaned_data["unified_social_credit_code"].strip().upper()
        credit_code_validate(code)
        if Organization.objects.filter(unified_social_credit_code=code).exists():
            raise forms.ValidationError(
                _("An organization with this credit code is already registered.")
            )
        return code

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if (
            Organization.objects.filter(name=name)
            .exclude(status=OrganizationStatus.REFUSED)
            .exists()
        ):
            raise forms.ValidationError(_("An organization of this name is already registered."))
        return name

    def clean(self):
        data = super().clean()
        if data.get("kind") == OrganizationKind.DISTRICT_HR_BUREAU and not data.get("district"):
            self.add_error("district", _("Choose the district that this HR bureau serves."))
        return data

    def organization_values(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "name",
                "name_en",
                "kind",
                "district",
                "unified_social_credit_code",
                "hr_email",
            )
        }


class ReviewerAccountForm(UserCreationForm):
    """The first HR reviewer's own account, when they register without one."""

    real_name = forms.CharField(label=_("Your real name"), max_length=100)
    email = forms.EmailField(label=_("Your email"))

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "real_name", "email")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists."))
        return email


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email of the person to invite"))
    role = forms.ChoiceField(
        label=_("Invite as"), choices=InvitationRole.choices, initial=InvitationRole.MEMBER
    )


class JoinRequestForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=organizations_joinable()
    )
    note = forms.CharField(label=_("Your department (optional)"), max_length=200, required=False)


class InviteEmployerForm(forms.Form):
    organization_name = forms.CharField(label=_("Name of your employer"), max_length=200)
    hr_email = forms.EmailField(label=_("Email of its HR department"))


class RegistrationDecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (required to refuse)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )
