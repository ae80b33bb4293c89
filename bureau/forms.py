from django import forms
from django.utils.translation import gettext_lazy as _

from applications.errors import ChangedMeanwhile
from applications.forms import ObjectionDecisionForm as ObjectionDecisionForm  # one, for both
from applications.forms import ObjectionForm
from bureau import selectors, services
from titles.forms import VersionedForm


class PublishForm(forms.Form):
    """The batch: applications chosen on the queue, each with the version the page showed."""

    applications = forms.ModelMultipleChoiceField(
        label=_("Applications"),
        queryset=selectors.bureau_queue(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one application for the notice."),
            "invalid_choice": ChangedMeanwhile.default_message,
            "invalid_pk_value": ChangedMeanwhile.default_message,
        },
    )
    title = forms.CharField(
        label=_("Title of the notice"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the standard title with today's date."),
    )
    working_days = forms.IntegerField(
        label=_("Working days"),
        min_value=services.MIN_NOTICE_WORKING_DAYS,
        max_value=services.MAX_NOTICE_WORKING_DAYS,
        initial=services.MIN_NOTICE_WORKING_DAYS,
        help_text=_(
            "At least 5 full working days, counted from the first working day after today."
        ),
        error_messages={"min_value": _("A notice lasts at least 5 working days.")},
    )

    def clean(self):
        data = super().clean()
        versions = {}
        for application in data.get("applications") or []:
            try:
                versions[application.pk] = int(self.data.get(f"version_{application.pk}", ""))
            except ValueError:
                continue
        data["versions"] = versions
        return data


class RejectForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for not approving"), widget=forms.Textarea, max_length=5000
    )


class SpecialIssuanceForm(VersionedForm):
    reason = forms.CharField(
        label=_("Special circumstances (why a public notice is inappropriate)"),
        widget=forms.Textarea,
        max_length=5000,
    )


class PublicObjectionForm(ObjectionForm):
    """The objection form of both notices, with a contact: anyone may object to a public one."""

    field_order = ["real_name", "contact", "statement", "evidence"]

    real_name = forms.CharField(label=_("Your real name"), max_length=services.REAL_NAME_MAX)
    contact = forms.CharField(
        label=_("Phone or email"),
        max_length=services.CONTACT_MAX,
        help_text=_("Only the bureau sees it, to reach you about your objection."),
    )
    statement = forms.CharField(
        label=_("Statement"), widget=forms.Textarea, max_length=services.STATEMENT_MAX
    )


class RoundForm(forms.Form):
    year = forms.IntegerField(label=_("Assessment year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=100)
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput({"type": "date"}))
    closes_on = forms.DateField(label=_("Closes on"), widget=forms.DateInput({"type": "date"}))
