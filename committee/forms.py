from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committee.enums import Choice


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_link = forms.URLField(
        label=_("Online meeting link"), required=False, assume_scheme="https"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The date picker offers no past day (issue #22; the service refuses one too).
        self.fields["starts_at"].widget.attrs["min"] = timezone.localtime().strftime(
            "%Y-%m-%dT00:00"
        )


class AgendaAddForm(forms.Form):
    application = forms.ModelChoiceField(
        label=_("Application"), queryset=None, empty_label=_("Choose an application")
    )

    def __init__(self, *args, applications, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications
        self.fields["application"].label_from_instance = lambda application: (
            f"{application.reference} {application.applicant.display_name}"
        )


class RollForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Present"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, voters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(user.pk), user.display_name) for user in voters]

    def present_ids(self) -> set[int]:
        return {int(pk) for pk in self.cleaned_data["present"]}


class RecusalForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, voters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [
            ("", _("Choose a member")),
            *((user.pk, user.display_name) for user in voters),
        ]


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote"), choices=Choice.choices, widget=forms.RadioSelect
    )
