from django.contrib import admin

from committee.models import Committee, Meeting


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "chairman"]
    filter_horizontal = ["members"]
    autocomplete_fields = ["chairman"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """Read-only here: meetings are run by the chairman on the site (rule 7 keeps ballots out)."""

    list_display = ["committee", "starts_at", "status", "minutes_signed_at"]
    readonly_fields = [
        "committee",
        "starts_at",
        "place",
        "online_link",
        "status",
        "created_by",
        "opened_at",
        "closed_at",
        "minutes_signed_at",
        "minutes_signed_by",
    ]
    exclude = ["minutes_pdf"]

    def has_add_permission(self, request):
        return False
