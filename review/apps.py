from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Review")

    def ready(self):
        from applications.selectors import visibility_register
        from applications.views import detail_section_register
        from review import notifications, services  # noqa: F401 - kinds, sweeper, deadline rule
        from review.selectors import applications_assessed_by, applications_in_panel_for_staff
        from review.views import expert_dashboard_context, panel_section_context
        from titles.audit import audit_action_label_register
        from titles.enums import Role
        from titles.people import dashboard_panel_register

        visibility_register(applications_assessed_by)
        visibility_register(applications_in_panel_for_staff)
        detail_section_register(
            template="review/_detail_section.html", context=panel_section_context
        )
        dashboard_panel_register(
            Role.PANEL_EXPERT,
            template="review/_dashboard_panel.html",
            context=expert_dashboard_context,
        )
        for action, label in {
            "panel.assign": _("Panel expert assigned"),
            "panel.replace": _("Panel expert replaced"),
            "panel.confirm_no_conflict": _("Expert confirmed no conflict of interest"),
            "panel.declare_conflict": _("Expert declared a conflict of interest"),
            "panel.opinion_submit": _("Review opinion submitted"),
            "application.complete_panel_review": _("Panel review complete: to the committee"),
        }.items():
            audit_action_label_register(action, label)
