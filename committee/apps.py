from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = _("Committee")

    def ready(self):
        # app ready: its notice kinds, and the set-up page's audit labels
        from committee import notifications, setup  # noqa: F401, PLC0415 — app ready
        from titles.audit import (  # noqa: PLC0415 — app ready
            audit_action_label_register,
            audit_action_reason_register,
        )

        for action, label in {
            "committee.meeting_create": _("Committee meeting scheduled"),
            "committee.agenda_add": _("Put on the committee's agenda"),
            "committee.agenda_leave": _("Taken off the committee's agenda: withdrawn"),
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
        ballot = _(
            "Committee ballot: %(consent)s for, %(oppose)s against, %(abstain)s abstaining; "
            "%(present)s present, %(recused)s recused."
        )
        for action in ("application.committee_approve", "application.committee_not_approve"):
            audit_action_reason_register(action, ballot)
