from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from applications import permissions
from applications.enums import (
    HEAD_KIND_FOR_CATEGORY,
    Category,
    HeadKind,
    MaterialSlot,
    RecommenderKind,
    SeniorTitleLevel,
    TitleLevel,
)
from applications.models import Application, Recommender
from applications.selectors import district_refusal
from titles.enums import BeijingDistrict, OrganizationKind, OrganizationStatus, Role
from titles.forms import VersionedForm
from titles.id_numbers import id_number_validate
from titles.models import Discipline, Organization, TitleSeries
from titles.models.people import localised
from titles.people import role_holders, users_with_role


def prompted(prompt, choices) -> list:
    """Choices headed by a real prompt instead of Django's "---------"."""
    return [("", prompt), *choices]


class SeriesSelect(forms.Select):
    """The discipline list: each option names its series (``data-series``), so the page shows
    only the disciplines of the series chosen above it (static/js/forms.js)."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-series"] = str(instance.series_id)
        return option


# The file picker offers only what the upload check accepts (PDF, JPEG, PNG).
ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def accepted_file_input():
    return forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES})


FREELANCER_BODY_KINDS = [
    OrganizationKind.INDUSTRY_ASSOCIATION,
    OrganizationKind.LEARNED_SOCIETY,
    OrganizationKind.DISTRICT_HR_BUREAU,
]


class CategoryForm(VersionedForm):
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices, widget=forms.RadioSelect
    )
    is_freelancer = forms.BooleanField(
        label=_("I am a freelancer (no employing organization)"), required=False
    )
    employer = forms.ModelChoiceField(
        label=_("Employer"),
        queryset=Organization.objects.filter(
            kind=OrganizationKind.EMPLOYER, active=True, status=OrganizationStatus.APPROVED
        ),
        required=False,
        empty_label=_("Choose your employer"),
    )
    department = forms.CharField(label=_("Department"), max_length=100, required=False)
    recommending_body = forms.ModelChoiceField(
        label=_("Recommending body (freelancers)"),
        queryset=Organization.objects.filter(
            kind__in=FREELANCER_BODY_KINDS, active=True, status=OrganizationStatus.APPROVED
        ),
        required=False,
        empty_label=_("Choose the recommending body"),
    )
    district = forms.ChoiceField(
        label=_("District of residence (freelancers)"),
        choices=[("", "—"), *BeijingDistrict.choices],
        required=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("is_freelancer"):
            if not data.get("recommending_body"):
                self.add_error(
                    "recommending_body",
                    _(
                        "A freelancer chooses an association, learned society "
                        "or district HR bureau."
                    ),
                )
            if not (data.get("district") or "").strip():
                self.add_error("district", _("A freelancer gives the district of residence."))
            elif permissions.recommending_body_outside_district(
                data.get("recommending_body"), data["district"]
            ):
                self.add_error("recommending_body", district_refusal(data["recommending_body"]))
        elif not data.get("employer"):
            self.add_error("employer", _("Choose your employer, or tick “freelancer”."))
        return data


class PersonalForm(VersionedForm):
    real_name = forms.CharField(label=_("Real name"), max_length=100)
    phone = forms.RegexField(
        label=_("Mobile phone"),
        regex=r"^1[3-9]\d{9}$",
        error_messages={"invalid": _("Enter an 11-digit mainland mobile number.")},
    )
    email = forms.EmailField(label=_("Email"))
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=40,
        required=False,
        help_text=_("Stored encrypted; shown to others only masked. Leave empty to keep it."),
    )
    title_series = forms.ModelChoiceField(
        label=_("Title series"),
        queryset=TitleSeries.objects.filter(active=True),
        empty_label=_("Choose a title series"),
    )
    discipline = forms.ModelChoiceField(
        label=_("Discipline"),
        queryset=Discipline.objects.filter(active=True),
        empty_label=_("Choose a discipline"),
        widget=SeriesSelect(attrs={"data-follows": "title_series"}),
    )
    level = forms.ChoiceField(
        label=_("Level sought"), choices=prompted(_("Choose the level"), TitleLevel.choices)
    )

    def clean_id_number(self):
        # Checked here, so a wrong check digit is reported with the form's other errors.
        value = self.cleaned_data.get("id_number") or ""
        return id_number_validate(value) if value.strip() else ""

    def clean(self):
        data = super().clean()
        series, discipline = data.get("title_series"), data.get("discipline")
        if series and discipline and discipline.series_id != series.pk:
            self.add_error("discipline", _("This discipline does not belong to the chosen series."))
        return data


class AchievementsForm(VersionedForm):
    """The four texts; each may be saved half-written (the check step lists what is empty)."""

    academic_proficiency = forms.CharField(
        label=_("Academic and technical proficiency"),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )
    professional_competence = forms.CharField(
        label=_("Professional competence"), widget=forms.Textarea, max_length=5000, required=False
    )
    work_achievements = forms.CharField(
        label=_("Work achievements"), widget=forms.Textarea, max_length=5000, required=False
    )
    performance_contributions = forms.CharField(
        label=_("Performance contributions"),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )

    TEXTS = (
        "academic_proficiency",
        "professional_competence",
        "work_achievements",
        "performance_contributions",
    )

    def clean(self):
        data = super().clean()
        for name in self.TEXTS:
            if name not in self.data:
                # Optional is not absent: a form without the field would empty the saved text.
                self.add_error(name, _("This text is missing from the form; reload the page."))
            elif "\ufffd" in (data.get(name) or ""):
                self.add_error(
                    name,
                    _("This text holds characters that could not be read; type or paste it again."),
                )
        return data


class MaterialUploadForm(forms.Form):
    slot = forms.ChoiceField(
        label=_("Kind of material"),
        choices=prompted(_("Choose the kind of material"), MaterialSlot.choices),
    )
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"), widget=accepted_file_input())
    title = forms.CharField(
        label=_("Short description"),
        max_length=200,
        required=False,
        help_text=_("Shown beside the file, to you and to those who review it."),
    )
    material = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, allowed_slots=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_slots is not None:
            self.fields["slot"].choices = prompted(
                _("Choose the kind of material"),
                [(value, label) for value, label in MaterialSlot.choices if value in allowed_slots],
            )


class RecommenderForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=prompted(_("Choose the kind"), RecommenderKind.choices)
    )
    head_kind = forms.ChoiceField(
        label=_("Head's office"),
        choices=prompted(_("Only for the head"), HeadKind.choices),
        required=False,
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("Email"))
    organization_name = forms.CharField(label=_("Organization"), max_length=200)
    stated_title = forms.CharField(label=_("Title or position"), max_length=100)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=Recommender._meta.get_field("language").choices,
        help_text=_("The emails to this person (invitation, reminders, codes) are in it."),
    )

    def __init__(self, *args, application: Application | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if application is not None and application.category:
            head = HEAD_KIND_FOR_CATEGORY[Category(application.category)]
            self.fields["head_kind"].initial = head
        if application is not None:
            self.fields["language"].initial = application.applicant.preferred_language


class SubmitForm(VersionedForm):
    declaration = forms.BooleanField(
        label=_(
            "I declare that everything I submit is true, accurate and complete, and I answer for "
            "its authenticity."
        ),
        error_messages={"required": _("Confirm the authenticity declaration to submit.")},
    )


class WithdrawForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason (optional)"), widget=forms.Textarea, max_length=2000, required=False
    )
    confirm = forms.BooleanField(
        label=_("Yes, withdraw my application. This cannot be undone."),
        error_messages={"required": _("Tick the box to confirm the withdrawal.")},
    )


class ReturnForm(VersionedForm):
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea, max_length=5000)


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the email"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has six digits.")},
    )


class RecommendationForm(forms.Form):
    senior_title = forms.CharField(label=_("Your senior professional title"), max_length=100)
    senior_title_level = forms.ChoiceField(
        label=_("Title level"), choices=prompted(_("Choose the level"), SeniorTitleLevel.choices)
    )
    title_certificate_number = forms.CharField(label=_("Title certificate number"), max_length=60)
    field = forms.CharField(label=_("Your field"), max_length=100)
    opinion = forms.CharField(
        label=_("Your recommendation opinion"),
        widget=forms.Textarea,
        max_length=10000,
        required=False,
    )
    letter = forms.FileField(
        label=_("Or: your signed letter (PDF, JPEG or PNG)"),
        required=False,
        widget=accepted_file_input(),
    )

    # What only an expert is asked: the head (the "+1") recommends by office, not by title.
    EXPERT_ONLY = ("senior_title", "senior_title_level", "title_certificate_number")

    def __init__(self, *args, kind: str = RecommenderKind.EXPERT, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == RecommenderKind.HEAD:
            for name in self.EXPERT_ONLY:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        if not (data.get("opinion") or "").strip() and not data.get("letter"):
            raise forms.ValidationError(_("Write your opinion or upload your signed letter."))
        return data


class RecommenderDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional; the applicant sees it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class DeclineForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason for declining"), widget=forms.Textarea, max_length=5000
    )


class OpenNoticeForm(VersionedForm):
    text = forms.CharField(label=_("Notice text"), widget=forms.Textarea, max_length=10000)
    working_days = forms.IntegerField(
        label=_("Working days"),
        min_value=5,
        max_value=60,
        initial=5,
        help_text=_(
            "At least 5 full working days, counted from the first working day after today."
        ),
        error_messages={"min_value": _("A notice lasts at least 5 working days.")},
    )
    # The end the prepared text names; replaced by the end of the days chosen (issue #22).
    end_in_text = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)


class ObjectionForm(forms.Form):
    real_name = forms.CharField(label=_("Your real name"), max_length=100)
    statement = forms.CharField(label=_("Statement"), widget=forms.Textarea, max_length=10000)
    evidence = forms.FileField(
        label=_("Evidence (optional; PDF, JPEG or PNG)"),
        required=False,
        widget=accepted_file_input(),
    )


class ObjectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("dismiss", _("Dismiss the objection")), ("uphold", _("Uphold the objection"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=5000)


class RecommendForm(VersionedForm):
    opinion = forms.CharField(
        label=_("The organization's recommendation opinion"),
        widget=forms.Textarea,
        max_length=10000,
    )


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    q = forms.CharField(label=_("Applicant name"), required=False, max_length=50)


SELECTED = mark_safe(" selected")  # a constant attribute: no data in it


class _PlainSelect(forms.Select):
    """A select whose options are written by ``format_html`` (Django's escaping), not one
    template each: the organization filter has hundreds, and Django's ``Select`` took 23 ms of
    the agency queue's 43 ms of CPU (``bench/machinery.py``, issue #26)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, SELECTED if str(key) == chosen else "", label) for key, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            options,
        )


class AgencyQueueFilterForm(forms.Form):
    """The agency queue's filters. The discipline and organization choices are read as plain
    values (no model instances, no server-side cursor) and written by ``_PlainSelect``;
    validation still looks the chosen value up in the field's queryset."""

    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All")), *Category.choices], required=False
    )
    discipline = forms.ModelChoiceField(
        label=_("Discipline"),
        queryset=Discipline.objects.all(),
        required=False,
        empty_label=_("All"),
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.filter(
            kind__in=[OrganizationKind.EMPLOYER, *FREELANCER_BODY_KINDS]
        ),
        required=False,
        empty_label=_("All"),
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("discipline", "organization"):
            field = self.fields[name]
            field.widget = _PlainSelect()
            field.choices = [
                ("", field.empty_label),
                *(
                    (pk, localised(label, label_en))
                    for pk, label, label_en in field.queryset.values_list("pk", "name", "name_en")
                ),
            ]
        category = self.fields["category"]
        category.widget = _PlainSelect()
        category.choices = list(category.choices)


class EligibilityAcceptForm(VersionedForm):
    note = forms.CharField(
        label=_("Notes for the panel (optional)"),
        widget=forms.Textarea,
        max_length=5000,
        required=False,
    )


class EligibilityRejectForm(VersionedForm):
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea, max_length=5000)


EXTRA_SUPPLEMENT_ITEMS = 3


class SupplementRequestForm(VersionedForm):
    """The one request: tick checklist items (with detail) and add free-text items."""

    working_days = forms.IntegerField(
        label=_("Deadline in working days"),
        min_value=1,
        max_value=60,
        initial=10,
        error_messages={"min_value": _("The deadline is at least 1 working day.")},
    )

    def __init__(self, *args, checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist = list(checklist)
        for item in self.checklist:
            self.fields[f"check_{item.pk}"] = forms.BooleanField(label=item.text, required=False)
            self.fields[f"detail_{item.pk}"] = forms.CharField(
                label=_("What exactly (optional)"), max_length=1000, required=False
            )
        for index in range(1, EXTRA_SUPPLEMENT_ITEMS + 1):
            self.fields[f"extra_{index}"] = forms.CharField(
                label=_("Other item %(number)s") % {"number": index},
                max_length=1000,
                required=False,
            )

    def clean(self):
        data = super().clean()
        items = []
        for item in self.checklist:
            if data.get(f"check_{item.pk}"):
                detail = (data.get(f"detail_{item.pk}") or "").strip()
                items.append((item.pk, f"{item.text}：{detail}" if detail else item.text))
        for index in range(1, EXTRA_SUPPLEMENT_ITEMS + 1):
            text = (data.get(f"extra_{index}") or "").strip()
            if text:
                items.append((None, text))
        if not items:
            raise forms.ValidationError(_("List at least one item to supplement or correct."))
        data["items"] = items
        return data


class SupplementAnswerForm(VersionedForm):
    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=item.text, widget=forms.Textarea, max_length=5000, required=False
            )

    def notes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"note_{item.pk}", "") for item in self.items}


class OfficerAssignForm(forms.Form):
    """Agency staff give the application to one officer (issue #23); empty: to nobody."""

    officer = forms.ModelChoiceField(
        label=_("Agency officer"),
        queryset=users_with_role(Role.AGENCY_STAFF),
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The officers read now (titles.people.role_holders: the field's own iteration opens a
        # server-side cursor, three round trips, for a query that scanned every user).
        field = self.fields["officer"]
        field.choices = [
            ("", field.empty_label),
            *((user.pk, user.display_name) for user in role_holders(Role.AGENCY_STAFF)),
        ]
