"""The bureau's admin for organizations, people, roles, title series and disciplines.

Roles and ID numbers change only through :mod:`titles.people` (audited, groups and object
permissions kept in step); the forms validate first, so a bad entry is a form error, not a 500.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from titles import admin_calendar  # noqa: F401 - the working-day calendar's admin
from titles.audit import audit_action_label_register, audit_record
from titles.id_numbers import id_number_validate
from titles.models import Discipline, Organization, RoleAssignment, TitleSeries, User
from titles.people import (
    ORGANIZATION_EDITABLE_FIELDS,
    organization_create,
    organization_update,
    person_by_id_number,
    person_record_account_change,
    person_set_id_number,
    role_grant,
    role_revoke,
)

AUDITED_ACCOUNT_FIELDS = {
    "username",
    "real_name",
    "email",
    "phone",
    "preferred_language",
    "is_active",
    "is_staff",
    "is_superuser",
}

for _action, _label in {
    "title_series.create": _("Title series created"),
    "title_series.update": _("Title series changed"),
    "title_series.delete": _("Title series deleted"),
    "discipline.create": _("Discipline created"),
    "discipline.update": _("Discipline changed"),
    "discipline.delete": _("Discipline deleted"),
}.items():
    audit_action_label_register(_action, _label)


# --- Organizations ---------------------------------------------------------------------------


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ORGANIZATION_EDITABLE_FIELDS

    def clean_unified_social_credit_code(self):
        code = (self.cleaned_data.get("unified_social_credit_code") or "").strip().upper()
        return code or None


class RoleHoldersInline(admin.TabularInline):
    """Who holds which role for the organization (changed on the person's page)."""

    model = RoleAssignment
    fk_name = "organization"
    fields = ("user", "role", "granted_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = _("role holder")
    verbose_name_plural = _("role holders")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationForm
    list_display = ("name", "name_en", "kind", "district", "status", "active")
    list_filter = ("kind", "status", "active", "district")
    search_fields = ("name", "name_en", "unified_social_credit_code")
    # A registration is decided on the bureau's page (titles.people.membership), not here.
    readonly_fields = ("status", "hr_email", "refusal_reason", "registered_by", "decided_at")
    inlines = [RoleHoldersInline]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: applications and the audit trail refer to it

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data.get(name) for name in ORGANIZATION_EDITABLE_FIELDS}
        if change:
            organization_update(organization=obj, actor=request.user, **values)
        else:
            values["district"] = values["district"] or ""
            values["name_en"] = values["name_en"] or ""
            created = organization_create(actor=request.user, **values)
            obj.pk, obj.created_at = created.pk, created.created_at


# --- People and roles ------------------------------------------------------------------------


class IdNumberFieldMixin:
    """A resident ID number input: validated (GB 11643) and checked against other accounts."""

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number") or ""
        if not value.strip():
            return ""
        number = id_number_validate(value)
        holder = person_by_id_number(number)
        if holder is not None and holder.pk != self.instance.pk:
            raise ValidationError(_("This ID number is already registered to another account."))
        return number


class PersonCreationForm(IdNumberFieldMixin, AdminUserCreationForm):
    id_number = forms.CharField(label=_("Resident ID number"), required=False, max_length=64)

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "real_name", "email", "phone")


class PersonChangeForm(IdNumberFieldMixin, UserChangeForm):
    id_number = forms.CharField(
        label=_("New resident ID number"),
        required=False,
        max_length=64,
        help_text=_("Leave empty to keep the recorded number. Stored encrypted."),
    )

    class Meta(UserChangeForm.Meta):
        model = User


class RoleAssignmentForm(forms.ModelForm):
    class Meta:
        model = RoleAssignment
        fields = ("user", "role", "organization")

    def clean_organization(self):
        organization = self.cleaned_data.get("organization")
        is_new_choice = self.instance.pk is None or "organization" in self.changed_data
        if organization is not None and not organization.active and is_new_choice:
            raise ValidationError(_("This organization is inactive; choose an active one."))
        return organization


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    form = RoleAssignmentForm
    fields = ("role", "organization", "granted_at", "granted_by")
    readonly_fields = ("granted_at", "granted_by")
    autocomplete_fields = ("organization",)
    extra = 0
    verbose_name = _("role")
    verbose_name_plural = _("roles")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    # Groups and permissions are not edited here: roles (and with them groups and object
    # permissions) change only through the roles below, which call the audited services.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal details"),
            {
                "fields": (
                    "real_name",
                    "email",
                    "phone",
                    "preferred_language",
                    "id_number_masked_display",
                    "id_number",
                )
            },
        ),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "real_name",
                    "email",
                    "phone",
                    "id_number",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("id_number_masked_display", "last_login", "date_joined")
    list_display = ("username", "real_name", "email", "masked_id_number", "is_staff", "is_active")
    list_filter = ("is_active", "is_staff", "is_superuser", "role_assignments__role")
    search_fields = ("username", "real_name", "email")
    inlines = [RoleAssignmentInline]

    @admin.display(description=_("Resident ID number"))
    def id_number_masked_display(self, obj):
        return obj.id_number_masked or "—"

    @admin.display(description=_("Resident ID number"))
    def masked_id_number(self, obj):
        return obj.id_number_masked or "—"

    def get_search_results(self, request, queryset, search_term):
        """A full ID number finds its holder (by the keyed hash; the number is never searched)."""
        filtered = queryset
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        holder = person_by_id_number(search_term) if len(search_term.strip()) >= 15 else None
        if holder is not None:
            queryset |= filtered.filter(pk=holder.pk)
        return queryset, may_have_duplicates

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            fields = [name for name in form.changed_data if name in AUDITED_ACCOUNT_FIELDS]
            if fields or not change:
                person_record_account_change(
                    user=obj, actor=request.user, fields=fields, created=not change
                )
            if form.cleaned_data.get("id_number"):
                person_set_id_number(
                    user=obj, id_number=form.cleaned_data["id_number"], actor=request.user
                )

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        person = form.instance
        for assignment in formset.deleted_objects:
            role_revoke(assignment=assignment, actor=request.user)
        for assignment, _changed in formset.changed_objects:
            role_revoke(assignment=RoleAssignment.objects.get(pk=assignment.pk), actor=request.user)
            role_grant(
                user=person,
                role=assignment.role,
                organization=assignment.organization,
                actor=request.user,
            )
        for assignment in formset.new_objects:
            granted = role_grant(
                user=person,
                role=assignment.role,
                organization=assignment.organization,
                actor=request.user,
            )
            assignment.pk = granted.pk
        return None


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Grant and revoke roles (through the audited services); an assignment is never edited."""

    form = RoleAssignmentForm
    list_display = ("user", "role", "organization", "granted_at", "granted_by")
    list_filter = ("role", "organization__kind")
    search_fields = ("user__username", "user__real_name", "organization__name")
    autocomplete_fields = ("user", "organization")
    list_select_related = ("user", "organization", "granted_by")

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        granted = role_grant(
            user=obj.user, role=obj.role, organization=obj.organization, actor=request.user
        )
        obj.pk, obj.granted_at = granted.pk, granted.granted_at

    def delete_model(self, request, obj):
        role_revoke(assignment=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for assignment in queryset.select_related("user", "organization"):
                role_revoke(assignment=assignment, actor=request.user)


# --- Title series and disciplines ------------------------------------------------------------


class AuditedAdmin(admin.ModelAdmin):
    """Saves and deletes write an audit event (``<audit_name>.create/update/delete``)."""

    audit_name = ""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"{self.audit_name}.{'update' if change else 'create'}",
                obj=obj,
                data={"fields": sorted(form.changed_data), "code": obj.code},
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=f"{self.audit_name}.delete",
                obj=obj,
                data={"code": obj.code, "name": obj.name},
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class DisciplineInline(admin.TabularInline):
    model = Discipline
    fields = ("code", "name", "name_en", "active")
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TitleSeries)
class TitleSeriesAdmin(AuditedAdmin):
    audit_name = "title_series"
    list_display = ("code", "name", "name_en", "active")
    list_filter = ("active",)
    search_fields = ("code", "name", "name_en")
    inlines = [DisciplineInline]


@admin.register(Discipline)
class DisciplineAdmin(AuditedAdmin):
    audit_name = "discipline"
    list_display = ("code", "name", "name_en", "series", "active")
    list_filter = ("series", "active")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("series",)


# The email outbox, with resend (its own module: titles/admin_outbox.py).
from titles import admin_outbox  # noqa: E402, F401 - registers OutboxEmailAdmin
