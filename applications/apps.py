from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Applications")

    def ready(self):
        from applications import notifications  # noqa: F401, PLC0415 — app ready: its notice kinds
        from applications.services import (  # noqa: F401, PLC0415 — app ready: their sweepers
            eligibility,
            employer,
        )
        from titles.audit import (  # noqa: PLC0415 — app ready
            audit_action_label_register,
            audit_action_reason_register,
        )

        for action, label in {
            "application.create": _("Application started"),
            "application.update": _("Draft saved"),
            "application.submit": _("Submitted to the employer"),
            "application.return_to_applicant": _("Returned to the applicant"),
            "application.resubmit": _("Submitted again"),
            "application.withdraw": _("Withdrawn"),
            "material.upload": _("Material uploaded"),
            "material.delete": _("Material removed"),
            "recommender.invite": _("Recommender invited"),
            "recommender.remind": _("Recommender reminded"),
            "recommender.replace": _("Recommender replaced"),
            "recommender.verify": _("Recommender confirmed their identity"),
            "recommender.respond": _("Recommendation received"),
            "recommender.decline": _("Recommender declined"),
            "application.decline": _("Declined by the employer"),
            "application.open_internal_notice": _("Internal notice published"),
            "application.pass_internal_notice": _("Internal notice passed"),
            "application.uphold_internal_objection": _("Objection upheld: declined"),
            "application.recommend": _("Recommended to the evaluation agency"),
            "internal_notice.objection": _("Objection raised"),
            "internal_notice.objection_upheld": _("Objection upheld"),
            "internal_notice.objection_dismissed": _("Objection dismissed"),
            "application.request_supplement": _("Supplement requested"),
            "application.submit_supplement": _("Supplement answered"),
            "application.deem_withdrawn": _("Deemed withdrawn"),
            "application.reject_ineligible": _("Found ineligible"),
            "application.accept_eligible": _("Found eligible: to the panel"),
        }.items():
            audit_action_label_register(action, label)
        audit_action_reason_register(
            "application.deem_withdrawn",
            _("No answer to the supplement request by its deadline."),
        )
