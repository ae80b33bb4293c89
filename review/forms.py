from django import forms
from django.utils.translation import gettext_lazy as _

from review.enums import SCORE_MAX, SCORE_MIN, Dimension, Recommendation
from review.services import TEXT_MAX, opinion_problems


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class AssignForm(forms.Form):
    expert = ExpertChoiceField(
        label=_("Panel expert"),
        queryset=None,
        empty_label=_("Choose an expert"),
        error_messages={
            "required": _("Choose an expert."),
            "invalid_choice": _("Choose one of the listed experts."),
        },
    )

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("The conflict of interest"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what the conflict of interest is.")},
    )


class OpinionForm(forms.Form):
    """Scores, justifications, the recommendation and the summary. A draft may be partial."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        score_error = _("The score is a whole number from %(min)s to %(max)s.") % {
            "min": SCORE_MIN,
            "max": SCORE_MAX,
        }
        for dimension in Dimension:
            self.fields[f"score_{dimension.value}"] = forms.IntegerField(
                label=_("%(dimension)s: score") % {"dimension": dimension.label},
                help_text=_("A whole number from %(min)s (lowest) to %(max)s (highest).")
                % {"min": SCORE_MIN, "max": SCORE_MAX},
                min_value=SCORE_MIN,
                max_value=SCORE_MAX,
                required=False,
                error_messages={
                    "invalid": score_error,
                    "min_value": score_error,
                    "max_value": score_error,
                },
            )
            self.fields[f"justification_{dimension.value}"] = forms.CharField(
                label=_("%(dimension)s: justification") % {"dimension": dimension.label},
                max_length=TEXT_MAX,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.fields["recommendation"] = forms.ChoiceField(
            label=_("Overall recommendation"),
            choices=[("", _("Choose support or do not support")), *Recommendation.choices],
            required=False,
            error_messages={"invalid_choice": _("Choose support or do not support.")},
        )
        self.fields["summary"] = forms.CharField(
            label=_("Summary"),
            max_length=TEXT_MAX,
            required=False,
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    @property
    def submitting(self) -> bool:
        return "submit" in self.data

    def clean(self):
        cleaned = super().clean()
        if self.submitting:
            for name, problem in opinion_problems(cleaned).items():
                if name not in self.errors:
                    self.add_error(name, problem)
        return cleaned

    def dimension_rows(self):
        """(label, score field, justification field) per dimension, for the template."""
        return [
            (d.label, self[f"score_{d.value}"], self[f"justification_{d.value}"]) for d in Dimension
        ]
