"""Organizations, the roles people hold in them, object permissions, title series and disciplines.

Writes go through :mod:`titles.people` (audited, and keeping groups and object permissions in step).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from titles.enums import BeijingDistrict, OrganizationKind, OrganizationStatus, Role

__all__ = [
    "ORGANIZATION_PERMISSIONS_BY_ROLE",
    "ROLE_ORGANIZATION_KINDS",
    "Discipline",
    "Organization",
    "OrganizationGroupObjectPermission",
    "OrganizationUserObjectPermission",
    "RoleAssignment",
    "TitleSeries",
    "credit_code_validate",
]

K = OrganizationKind

# Roles that act for an organization: the organization is required and must be of these kinds.
# Every other role may name an organization of any kind (an applicant's or expert's employer).
ROLE_ORGANIZATION_KINDS: dict[str, frozenset[str]] = {
    Role.EMPLOYER_REVIEWER: frozenset(
        {K.EMPLOYER, K.INDUSTRY_ASSOCIATION, K.LEARNED_SOCIETY, K.DISTRICT_HR_BUREAU}
    ),
    Role.AGENCY_STAFF: frozenset({K.EVALUATION_AGENCY}),
    Role.BUREAU_STAFF: frozenset({K.MUNICIPAL_BUREAU}),
}

# The object permissions on the organization that an assignment of the role carries.
ORGANIZATION_PERMISSIONS_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.EMPLOYER_REVIEWER: ("act_for_organization", "review_for_organization"),
    Role.AGENCY_STAFF: ("act_for_organization",),
    Role.BUREAU_STAFF: ("act_for_organization",),
}

_WRONG_KIND_MESSAGES = {
    Role.EMPLOYER_REVIEWER: _(
        "An employer reviewer acts for an employer, an industry association, a learned society "
        "or a district HR bureau."
    ),
    Role.AGENCY_STAFF: _("Evaluation agency staff act for an evaluation service agency."),
    Role.BUREAU_STAFF: _("Bureau staff act for the municipal HR and social security bureau."),
}

# GB 32100-2015: 18 characters from this alphabet (no I, O, S, V, Z); the last is a check character.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def credit_code_check_character(first17: str) -> str:
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_validate(value: str) -> None:
    """A unified social credit code: 18 characters of the GB 32100 alphabet, check last."""
    if not value:
        return
    if len(value) != 18 or not _CREDIT_CODE_SHAPE.match(value):
        raise ValidationError(
            _(
                "A unified social credit code has 18 characters: digits and capital letters "
                "other than I, O, S, V and Z."
            ),
            code="credit_code_format",
        )
    if credit_code_check_character(value[:17]) != value[17]:
        raise ValidationError(
            _("The last character of the unified social credit code does not match its check."),
            code="credit_code_checksum",
        )


def localised(name: str, name_en: str) -> str:
    """The English name in English when there is one, else the Chinese name."""
    if name_en and (translation.get_language() or "").startswith("en"):
        return name_en
    return name


class Organization(models.Model):
    """An organization whose people act here: employers, recommending bodies, agency, bureau."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganizationKind.choices)
    district = models.CharField(
        _("district"),
        max_length=20,
        choices=BeijingDistrict.choices,
        blank=True,
        help_text=_("Required for a district HR bureau: the district it serves."),
    )
    unified_social_credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        validators=[credit_code_validate],
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive organizations cannot be chosen any more.")
    )
    status = models.CharField(
        _("registration status"),
        max_length=10,
        choices=OrganizationStatus.choices,
        default=OrganizationStatus.APPROVED,
        db_index=True,
        help_text=_("A self-registered organization waits for the bureau's approval."),
    )
    hr_email = models.EmailField(_("HR email address"), blank=True)
    refusal_reason = models.TextField(_("reason for refusing the registration"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("registration decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["kind", "name"]
        permissions = [
            ("act_for_organization", _("Can act for the organization")),
            ("review_for_organization", _("Can review applications for the organization")),
        ]
        constraints = [
            # A refused registration leaves its name free for a corrected one.
            models.UniqueConstraint(
                fields=["name"],
                condition=~models.Q(status="refused"),
                name="titles_organization_name_once",
                violation_error_message=_("An organization of this name is already registered."),
            ),
            models.UniqueConstraint(
                fields=["district"],
                condition=models.Q(kind="district_hr_bureau") & ~models.Q(district=""),
                name="titles_one_hr_bureau_per_district",
                violation_error_message=_("This district already has an HR bureau."),
            ),
        ]

    def __str__(self) -> str:
        return localised(self.name, self.name_en)

    @property
    def is_pending(self) -> bool:
        return self.status == OrganizationStatus.PENDING

    @property
    def is_approved(self) -> bool:
        return self.status == OrganizationStatus.APPROVED

    def clean(self) -> None:
        self.name = (self.name or "").strip()
        if self.unified_social_credit_code is not None:
            code = self.unified_social_credit_code.strip().upper()
            self.unified_social_credit_code = code or None
        if self.kind == OrganizationKind.DISTRICT_HR_BUREAU and not self.district:
            raise ValidationError(
                {"district": _("Choose the district that this HR bureau serves.")}
            )


class RoleAssignment(models.Model):
    """One role one person holds, tied to an organization where the role needs one.

    Created and deleted only by :func:`titles.people.role_grant` and
    :func:`titles.people.role_revoke`, which keep the role's group and the organization's
    object permissions in step.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now, editable=False)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user_id", "role", "organization_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization"],
                condition=models.Q(organization__isnull=False),
                name="titles_role_once_per_organization",
                violation_error_message=_("This person already holds this role there."),
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(organization__isnull=True),
                name="titles_role_once_without_organization",
                violation_error_message=_("This person already holds this role."),
            ),
        ]

    def __str__(self) -> str:
        role = Role(self.role).label
        if self.organization_id:
            return f"{self.user} · {role} · {self.organization}"
        return f"{self.user} · {role}"

    def clean(self) -> None:
        kinds = ROLE_ORGANIZATION_KINDS.get(self.role)
        if kinds is None:
            return
        if self.organization_id is None:
            raise ValidationError(
                {"organization": _("Choose the organization this person acts for.")},
                code="organization_required",
            )
        if self.organization.kind not in kinds:
            raise ValidationError(
                {"organization": _WRONG_KIND_MESSAGES[self.role]}, code="organization_kind"
            )


class TitleSeries(models.Model):
    """A professional title series (职称系列), e.g. 工程技术. Maintained in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("title series")
        verbose_name_plural = _("title series")
        ordering = ["code"]

    def __str__(self) -> str:
        return localised(self.name, self.name_en)


class Discipline(models.Model):
    """A discipline (专业) within a title series, e.g. 人工智能 in 工程技术."""

    series = models.ForeignKey(
        TitleSeries,
        verbose_name=_("title series"),
        on_delete=models.PROTECT,
        related_name="disciplines",
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")
        ordering = ["series__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "name"],
                name="titles_discipline_name_per_series",
                violation_error_message=_("The series already has a discipline of this name."),
            ),
        ]

    def __str__(self) -> str:
        return localised(self.name, self.name_en)


class OrganizationUserObjectPermission(UserObjectPermissionBase):
    """Guardian's per-user permission on one organization, with a real foreign key."""

    content_object = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("organization permission of a person")
        verbose_name_plural = _("organization permissions of people")


class OrganizationGroupObjectPermission(GroupObjectPermissionBase):
    """Guardian's per-group permission on one organization, with a real foreign key."""

    content_object = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("organization permission of a group")
        verbose_name_plural = _("organization permissions of groups")
