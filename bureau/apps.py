from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BureauConfig(AppConfig):
    name = "bureau"
    verbose_name = _("Bureau review and public notices")

    def ready(self):
        from bureau import (  # noqa: PLC0415 — app ready: registered once the models are loaded
            notifications,  # noqa: F401 - registers the notification kinds
            services,  # noqa: F401 - registers the public_notices sweeper
        )
        from titles.audit import audit_action_label_register  # noqa: PLC0415 — app ready

        for action, label in {
            "application.publish_notice": _("Published in the public notice"),
            "application.issue_without_notice": _("Issued without a public notice"),
            "application.bureau_reject": _("Not approved by the bureau"),
            "application.pass_public_notice": _("Public notice passed"),
            "application.uphold_public_objection": _("Public objection upheld: not approved"),
            "public_notice.publish": _("Public notice published"),
            "public_notice.objection": _("Public objection raised"),
            "public_notice.objection_upheld": _("Public objection upheld"),
            "public_notice.objection_dismissed": _("Public objection dismissed"),
            "bureau.special_issuance_propose": _("Issuance without notice proposed"),
            "bureau.special_issuance_cancel": _("Issuance without notice withdrawn"),
        }.items():
            audit_action_label_register(action, label)
