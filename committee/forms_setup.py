"""The bureau's committee set-up forms: people are named by their user names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from titles.models import User


def _person(username: str) -> User | None:
    return User.objects.filter(username=username.strip(), is_active=True).first()


class CommitteeSetupForm(forms.Form):
    name = forms.CharField(label=_("Committee name"), max_length=200)
    chairman = forms.CharField(label=_("Chairman (user name)"), max_length=150)
    vice_chairman = forms.CharField(
        label=_("Vice-chairman (user name, optional)"), max_length=150, required=False
    )
    members = forms.CharField(
        label=_("Members (one user name per line)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    quorum = forms.IntegerField(
        label=_("Quorum"),
        min_value=1,
        max_value=500,
        required=False,
        help_text=_(
            "Members who must be present for a meeting to proceed. "
            "Empty: two thirds of the members, rounded up."
        ),
    )

    def clean_chairman(self):
        person = _person(self.cleaned_data["chairman"])
        if person is None:
            raise forms.ValidationError(_("No active account has this user name."))
        return person

    def clean_vice_chairman(self):
        username = self.cleaned_data["vice_chairman"].strip()
        if not username:
            return None
        person = _person(username)
        if person is None:
            raise forms.ValidationError(_("No active account has this user name."))
        return person

    def clean_members(self):
        names = [line.strip() for line in self.cleaned_data["members"].splitlines() if line.strip()]
        if len(names) > 500:
            raise forms.ValidationError(_("A committee has at most 500 members."))
        found = {
            user.username: user for user in User.objects.filter(username__in=names, is_active=True)
        }
        unknown = [name for name in names if name not in found]
        if unknown:
            raise forms.ValidationError(
                _("No active account has these user names: %(names)s")
                % {"names": ", ".join(unknown[:10])}
            )
        return list({name: found[name] for name in names}.values())

    @classmethod
    def initial_of(cls, committee) -> dict:
        return {
            "name": committee.name,
            "chairman": committee.chairman.username,
            "vice_chairman": committee.vice_chairman.username if committee.vice_chairman else "",
            "members": "\n".join(member.username for member in committee.members.all()),
            "quorum": committee.quorum,
        }


class AgencyStaffForm(forms.Form):
    username = forms.CharField(label=_("User name of the new agency staff member"), max_length=150)

    def clean_username(self):
        person = _person(self.cleaned_data["username"])
        if person is None:
            raise forms.ValidationError(_("No active account has this user name."))
        return person
