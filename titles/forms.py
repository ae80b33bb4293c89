"""Form parts every stage's forms share."""

from django import forms


class VersionedForm(forms.Form):
    """Carries the version the page showed, so a stale page is refused, not applied."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
