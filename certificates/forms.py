from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.verification import NUMBER_MAX, UPLOAD_MAX_BYTES


class VerifyNumberForm(forms.Form):
    number = forms.CharField(
        label=_("Certificate number"),
        max_length=NUMBER_MAX,
        widget=forms.TextInput(attrs={"placeholder": "BJGZ-2026-000001", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Holder's name"), max_length=100)


class VerifyUploadForm(forms.Form):
    document = forms.FileField(
        label=_("Certificate PDF"),
        help_text=_("The PDF file of the electronic certificate, at most 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return document


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revocation"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
