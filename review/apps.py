from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Review")

    def ready(self):
        from review import (  # noqa: F401, PLC0415 — app ready: kinds, sweeper, deadline rule
            notifications,
            services,
        )
        from titles.audit import (  # noqa: PLC0415 — app ready
            audit_action_label_register,
            audit_action_reason_register,
        )

        for action, label in {
            "panel.assign": _("Panel expert assigned"),
            "panel.replace": _("Panel expert replaced"),
            "panel.confirm_no_conflict": _("Expert confirmed no conflict of interest"),
            "panel.declare_conflict": _("Expert declared a conflict of interest"),
            "panel.opinion_submit": _("Review opinion submitted"),
            "panel.end_on_withdrawal": _("Panel assignment ended: the application was withdrawn"),
            "application.complete_panel_review": _("Panel review complete: to the committee"),
        }.items():
            audit_action_label_register(action, label)
        audit_action_reason_register(
            "application.complete_panel_review",
            _("All %(experts)s assigned experts have submitted their opinions."),
        )
