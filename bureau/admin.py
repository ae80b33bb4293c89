from django.contrib import admin

from bureau.models import PublicNotice, PublicNoticeEntry, PublicObjection, SpecialIssuance


class ReadOnlyAdmin(admin.ModelAdmin):
    """Changes go through the services (audited); the admin only shows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PublicNotice)
class PublicNoticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "published_at", "ends_at", "working_days", "provisional"]


@admin.register(PublicNoticeEntry)
class PublicNoticeEntryAdmin(ReadOnlyAdmin):
    list_display = ["notice", "application", "passed_at"]
    list_select_related = ["notice", "application__applicant"]


@admin.register(PublicObjection)
class PublicObjectionAdmin(ReadOnlyAdmin):
    list_display = ["reference", "entry", "status", "created_at", "decided_at"]
    list_select_related = ["entry__notice", "entry__application__applicant"]
    exclude = ["client_hash"]


@admin.register(SpecialIssuance)
class SpecialIssuanceAdmin(ReadOnlyAdmin):
    list_display = ["application", "status", "proposed_by", "confirmed_by", "proposed_at"]
    list_select_related = ["application__applicant", "proposed_by", "confirmed_by"]
