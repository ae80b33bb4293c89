"""The assessment panel (stage 3a): panels, experts assigned to applications, their opinions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from review.enums import (
    ACTIVE_ASSIGNMENT_STATUSES,
    DEFAULT_EXPERTS_REQUIRED,
    SCORE_MAX,
    SCORE_MIN,
    AssignmentStatus,
    Dimension,
    Recommendation,
)


class Panel(models.Model):
    """An assessment panel (评议组) for a title series, or for one discipline within it."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    title_series = models.ForeignKey(
        "titles.TitleSeries",
        verbose_name=_("title series"),
        on_delete=models.PROTECT,
        related_name="panels",
    )
    discipline = models.ForeignKey(
        "titles.Discipline",
        verbose_name=_("discipline"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="panels",
        help_text=_("Empty: the panel serves every discipline of the series without its own."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        related_name="panels",
        help_text=_("Panel experts (people holding the panel expert role)."),
    )
    experts_required = models.PositiveSmallIntegerField(
        _("experts per application"), default=DEFAULT_EXPERTS_REQUIRED
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("assessment panel")
        verbose_name_plural = _("assessment panels")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(experts_required__gte=1), name="panel_at_least_one_expert"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """One panel expert assigned to one application; the object permission follows it."""

    application = models.ForeignKey(
        "applications.Application",
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="panel_assignments",
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="panel_assignments",
    )
    panel = models.ForeignKey(
        Panel, verbose_name=_("panel"), null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ASSIGNED,
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"))
    confirmed_at = models.DateTimeField(_("no conflict confirmed at"), null=True, blank=True)
    conflict_reason = models.TextField(_("declared conflict"), blank=True)
    ended_at = models.DateTimeField(_("released at"), null=True, blank=True)
    due_at = models.DateTimeField(_("opinion due at"), null=True, blank=True, db_index=True)
    provisional = models.BooleanField(_("due date provisional"), default=False)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("panel assignment")
        verbose_name_plural = _("panel assignments")
        ordering = ["application_id", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"],
                condition=models.Q(status__in=ACTIVE_ASSIGNMENT_STATUSES),
                name="assignment_active_once",
            )
        ]
        indexes = [
            models.Index(fields=["expert", "status"]),
            # The expert's queue in order (``review.selectors.ExpertQueue``): their standing
            # assignments by due date, a page read from the index.
            models.Index(
                fields=["expert", "due_at", "id"],
                condition=models.Q(status__in=ACTIVE_ASSIGNMENT_STATUSES),
                name="assignment_expert_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.expert}"

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_ASSIGNMENT_STATUSES

    @property
    def awaits_confirmation(self) -> bool:
        """Assigned, and the expert has not yet confirmed having no conflict of interest."""
        return self.status == AssignmentStatus.ASSIGNED

    @property
    def is_confirmed(self) -> bool:
        return self.status == AssignmentStatus.CONFIRMED

    @property
    def is_released(self) -> bool:
        """The expert declared a conflict and no longer assesses the application."""
        return self.status == AssignmentStatus.RELEASED


def _score_field(dimension: Dimension) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(dimension.label, null=True, blank=True)


def _justification_field(dimension: Dimension) -> models.TextField:
    return models.TextField(dimension.label, blank=True)


class Opinion(models.Model):
    """An expert's written, scored opinion. A draft saves as it is; a submitted one is frozen."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="opinion")
    score_academic = _score_field(Dimension.ACADEMIC)
    score_competence = _score_field(Dimension.COMPETENCE)
    score_achievements = _score_field(Dimension.ACHIEVEMENTS)
    score_contributions = _score_field(Dimension.CONTRIBUTIONS)
    justification_academic = _justification_field(Dimension.ACADEMIC)
    justification_competence = _justification_field(Dimension.COMPETENCE)
    justification_achievements = _justification_field(Dimension.ACHIEVEMENTS)
    justification_contributions = _justification_field(Dimension.CONTRIBUTIONS)
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices, blank=True
    )
    summary = models.TextField(_("summary"), blank=True)
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review opinion")
        verbose_name_plural = _("review opinions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    **{f"score_{d}__isnull": False for d in Dimension.values},
                    **{f"score_{d}__gte": SCORE_MIN for d in Dimension.values},
                    **{f"score_{d}__lte": SCORE_MAX for d in Dimension.values},
                )
                | models.Q(submitted_at__isnull=True),
                name="opinion_scores_on_the_scale_when_submitted",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assignment}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    def score(self, dimension: str) -> int | None:
        return getattr(self, f"score_{dimension}")

    def justification(self, dimension: str) -> str:
        return getattr(self, f"justification_{dimension}")

    @property
    def dimensions(self) -> list[tuple[str, int | None, str]]:
        """(label, score, justification) for each dimension, in order."""
        return [(d.label, self.score(d.value), self.justification(d.value)) for d in Dimension]


class ApplicationUserObjectPermission(UserObjectPermissionBase):
    """Guardian's per-user permission on one application, with a real foreign key."""

    content_object = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.CASCADE
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("application permission of a person")
        verbose_name_plural = _("application permissions of people")


class ApplicationGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian's per-group permission on one application, with a real foreign key."""

    content_object = models.ForeignKey(
        "applications.Application", verbose_name=_("application"), on_delete=models.CASCADE
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("application permission of a group")
        verbose_name_plural = _("application permissions of groups")
