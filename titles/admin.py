from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from titles.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Profile"), {"fields": ("real_name", "phone", "preferred_language")}),
    )
    list_display = ("username", "real_name", "email", "is_staff", "is_active")
    search_fields = ("username", "real_name", "email")
