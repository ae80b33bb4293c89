"""The admin app, behind two-factor sign-in (kept apart: an app config imports no models)."""

from django.contrib.admin.apps import AdminConfig


class TwoFactorAdminConfig(AdminConfig):
    default_site = "titles.admin_site.TwoFactorAdminSite"

    def ready(self):
        """Autodiscover the admin modules, audit the device admin, connect the gate's upkeep."""
        super().ready()
        from django.contrib import admin  # noqa: PLC0415 — app ready: the site exists now

        from titles.admin_site import device_admin_install  # noqa: PLC0415 — app ready
        from titles.twofactor import connect_receivers  # noqa: PLC0415 — app ready

        device_admin_install(admin.site)
        connect_receivers()
