"""The email outbox in the admin: what was sent to whom, what failed and why, and a resend.

Read-only: rows are written by titles.notifications only. The body of an email that still holds
a valid code or personal link is not shown (whoever reads the code can act as its recipient);
once expired, the retention sweep erases it.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from titles.models import OutboxEmail
from titles.notifications import OutboxResendRefused, outbox_body_hidden, outbox_email_resend


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "to_address", "kind", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to_address",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    actions = ["resend"]
    fields = (
        "to_address",
        "recipient",
        "kind",
        "language",
        "subject",
        "body_shown",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "body_erased_at",
    )
    readonly_fields = fields

    @admin.display(description=_("text"))
    def body_shown(self, email: OutboxEmail) -> str:
        if email.body_erased_at is not None:
            return _("(erased: the code or link it carried has expired)")
        if outbox_body_hidden(email):
            return _("(hidden: it carries a personal code or link that is still valid)")
        return email.body

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Send the selected emails again"), permissions=["change"])
    def resend(self, request, queryset):
        sent = 0
        for email in queryset.order_by("id"):
            try:
                outbox_email_resend(email=email, actor=request.user)
            except OutboxResendRefused as refusal:
                self.message_user(request, refusal.message, messages.WARNING)
            else:
                sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d email will be sent again.",
                    "%(count)d emails will be sent again.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
