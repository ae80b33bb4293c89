"""The Django admin behind two-factor sign-in.

``titles.admin_apps.TwoFactorAdminConfig`` replaces ``django.contrib.admin`` in
``INSTALLED_APPS``: its default site is :class:`TwoFactorAdminSite`, so
``django.contrib.admin.site`` (and every ``@admin.register``) is this site, and the admin opens
only for a session verified by a TOTP device.
"""

from django.contrib.admin import AdminSite
from django_otp.admin import OTPAdminSite

from titles.audit import audit_record


class TwoFactorAdminSite(OTPAdminSite):
    """django-otp's admin site under the usual name ``admin`` (so ``admin:`` URLs keep working).

    Signing in happens on the site's own sign-in page (lockout, then the second factor), never on
    the admin's: ``titles.middleware_2fa`` sends anonymous visitors of the admin's login there.
    """

    login_form = AdminSite.login_form
    login_template = AdminSite.login_template

    def __init__(self, name: str = "admin"):
        super().__init__(name)


def device_admin_install(site) -> None:
    """Replace django-otp's device admin with one that audits every change (lost phones are
    reset here: deleting the device sends the person to enrolment at their next sign-in)."""
    from django_otp.plugins.otp_totp.admin import (  # noqa: PLC0415 — app ready: it registers itself
        TOTPDeviceAdmin,
    )
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415 — app ready

    class AuditedTOTPDeviceAdmin(TOTPDeviceAdmin):
        def save_model(self, request, obj, form, change):
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action="two_factor.device_change" if change else "two_factor.device_add",
                obj=obj.user,
                data={"device": obj.pk, "fields": sorted(form.changed_data)},
            )

        def delete_model(self, request, obj):
            user, pk = obj.user, obj.pk
            super().delete_model(request, obj)
            audit_record(
                actor=request.user, action="two_factor.device_delete", obj=user, data={"device": pk}
            )

        def delete_queryset(self, request, queryset):
            for device in queryset.select_related("user"):
                self.delete_model(request, device)

    if site.is_registered(TOTPDevice):
        site.unregister(TOTPDevice)
    site.register(TOTPDevice, AuditedTOTPDeviceAdmin)
