from django.contrib import admin

from review.models import Panel
from titles.enums import Role
from titles.people import users_with_role


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ["name", "title_series", "discipline", "experts_required", "active"]
    list_filter = ["active", "title_series"]
    filter_horizontal = ["members"]
    search_fields = ["name"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "members":
            kwargs["queryset"] = users_with_role(Role.PANEL_EXPERT)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
