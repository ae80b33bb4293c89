from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationState
from applications.models import Application, ChecklistItem
from titles.templatetags.timeline import timeline


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    """The eligibility checklist the agency goes through, per category (empty: every category)."""

    list_display = ("text", "text_en", "category", "order", "active")
    list_filter = ("category", "active")
    list_editable = ("order", "active")
    search_fields = ("text", "text_en")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Applications for bureau staff (the admin is behind two-factor sign-in): read only, with
    the audit timeline. Every change goes through the stages' pages and services, audited."""

    list_display = ("reference", "applicant", "state", "category", "employer", "submitted_at")
    list_filter = ("state", "category", "is_freelancer")
    list_select_related = ("applicant", "employer")
    search_fields = ("applicant__real_name", "applicant__username")
    ordering = ("-created_at", "-pk")
    fields = (
        "reference",
        "applicant",
        "state",
        "category",
        "is_freelancer",
        "employer",
        "recommending_body",
        "district",
        "department",
        "title_series",
        "discipline",
        "level",
        "submitted_at",
        "recommended_at",
        "eligibility_due_at",
        "decline_reason",
        "ineligible_reason",
        "created_at",
        "updated_at",
        "audit_timeline",
    )
    readonly_fields = fields

    @admin.display(description=_("Reference"))
    def reference(self, application: Application) -> str:
        return application.reference

    @admin.display(description=_("Timeline"))
    def audit_timeline(self, application: Application) -> str:
        return render_to_string(
            "titles/includes/timeline.html",
            timeline(application, dict(ApplicationState.choices)),
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
