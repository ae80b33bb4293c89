from django.db import models
from django.utils.translation import gettext_lazy as _

# The scale of every dimension's score: whole numbers, 1 (lowest) to 10 (highest).
SCORE_MIN, SCORE_MAX = 1, 10
# Experts to assign to each application when its panel does not say otherwise.
DEFAULT_EXPERTS_REQUIRED = 3
# Working days an expert has to submit the opinion once assigned.
OPINION_WORKING_DAYS = 10


class Dimension(models.TextChoices):
    """The four dimensions of DOMAIN.md rule 5, in the order of the opinion form."""

    ACADEMIC = "academic", _("Academic and technical proficiency")
    COMPETENCE = "competence", _("Professional competence")
    ACHIEVEMENTS = "achievements", _("Work achievements")
    CONTRIBUTIONS = "contributions", _("Performance contributions")


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned, conflict check pending")
    CONFIRMED = "confirmed", _("No conflict confirmed")
    RELEASED = "released", _("Released: conflict declared")
    REPLACED = "replaced", _("Replaced by staff")
    WITHDRAWN = "withdrawn", _("Ended: the application was withdrawn")


ACTIVE_ASSIGNMENT_STATUSES = [AssignmentStatus.ASSIGNED, AssignmentStatus.CONFIRMED]


class Recommendation(models.TextChoices):
    SUPPORT = "support", _("Support")
    OPPOSE = "oppose", _("Do not support")
