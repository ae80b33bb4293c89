"""The sign-in throttle per user name (``titles.signin_throttle`` writes it; issue #27)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["SignInThrottle"]


class SignInThrottle(models.Model):
    """Wrong passwords for one user name, from every address together, since ``window_started_at``;
    past the limit, signing in with that name also needs a code emailed to the account.

    Kept for any name tried, an account's or not (the answer must not tell which). The code is
    stored only as a keyed hash.
    """

    username = models.CharField(_("user name"), max_length=150, unique=True)
    failures = models.PositiveIntegerField(_("wrong passwords"), default=0)
    window_started_at = models.DateTimeField(_("counted since"))
    code_hash = models.CharField(max_length=128, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("sign-in throttle")
        verbose_name_plural = _("sign-in throttles")

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"
