from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from certificates import (  # noqa: PLC0415 — app ready: registered once models are loaded
            checks,  # noqa: F401 - registers the production check of the certificate keys
            notifications,  # noqa: F401 - registers the notification kinds
            services,  # noqa: F401 - registers the certificates sweeper
        )
        from titles.audit import audit_action_label_register  # noqa: PLC0415 — app ready

        for action, label in {
            "application.certify": _("Certificate issued"),
            "application.revoke": _("Certificate revoked"),
            "certificate.batch_issue": _("Certificate issuance queued for a public notice"),
        }.items():
            audit_action_label_register(action, label)
