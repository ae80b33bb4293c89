from django.contrib import admin

from certificates.models import Certificate, Verification


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only: certificates change only through issuance and revocation."""

    list_display = ["number", "holder_name", "title", "issued_on", "revoked_at"]
    search_fields = ["number", "holder_name"]
    exclude = ["pdf"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = ["number", "method", "result", "verified_at", "organization_name"]
    list_filter = ["result", "method"]
    exclude = ["client_hash"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
