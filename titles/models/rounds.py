"""Application rounds (评审年度/批次, issue #23): the bureau opens a round with its dates; an
application belongs to the round open on the day it is first submitted."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

__all__ = ["Round"]


class Round(models.Model):
    year = models.PositiveSmallIntegerField(_("assessment year"))
    name = models.CharField(_("name"), max_length=100, unique=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application round")
        verbose_name_plural = _("application rounds")
        ordering = ["-year", "-opens_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="round_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def open_on(cls, day):
        """The round open on ``day`` (the latest opened if two overlap), or None."""
        return (
            cls.objects.filter(opens_on__lte=day, closes_on__gte=day).order_by("-opens_on").first()
        )
