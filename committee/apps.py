from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("Committee")

    def ready(self):
        from applications.selectors import visibility_register
        from applications.views import detail_section_register
        from committee import notifications  # noqa: F401 - registers the notification kinds
        from committee.selectors import applications_on_agenda_of
        from committee.views import committee_dashboard_context, committee_section_context
        from titles.audit import audit_action_label_register
        from titles.enums import Role
        from titles.people import dashboard_panel_register

        visibility_register(applications_on_agenda_of)
        detail_section_register(
            template="committee/_detail_section.html", context=committee_section_context
        )
        for role in (Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIRMAN):
            dashboard_panel_register(
                role,
                template="committee/_dashboard_panel.html",
                context=committee_dashboard_context,
            )
        for action, label in {
            "committee.meeting_create": _("Committee meeting scheduled"),
            "committee.agenda_add": _("Put on the committee's agenda"),
            "committee.meeting_open": _("Committee meeting opened"),
            "committee.roll_call": _("Roll taken"),
            "committee.recusal": _("Committee member recused"),
            "committee.ballot_open": _("Committee ballot opened"),
            "committee.ballot_close": _("Committee ballot closed"),
            "committee.meeting_close": _("Committee meeting closed"),
            "committee.minutes_sign": _("Minutes signed off"),
            "application.committee_approve": _("Approved by the committee: to the bureau"),
            "application.committee_not_approve": _("Not approved by the committee"),
        }.items():
            audit_action_label_register(action, label)
