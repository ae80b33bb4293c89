from django.contrib import admin

from applications.models import ChecklistItem


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    """The eligibility checklist the agency goes through, per category (empty: every category)."""

    list_display = ("text", "text_en", "category", "order", "active")
    list_filter = ("category", "active")
    list_editable = ("order", "active")
    search_fields = ("text", "text_en")
