"""People, organizations and roles: services (writes) and selectors (reads).

Every write is atomic and appends its audit events in the same transaction. Roles live in three
places that these services keep in step, and nowhere else writes them:

* a :class:`RoleAssignment` row (who holds which role, for which organization),
* membership of the Django group named after the role (other code checks roles by group),
* guardian object permissions on the organization (``act_for_organization`` for every role that
  acts for one; ``review_for_organization`` for employer reviewers), which scope querysets.
"""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from titles.audit import audit_action_label_register, audit_record
from titles.enums import Role
from titles.id_numbers import (
    id_number_encrypt,
    id_number_lookup_hash,
    id_number_normalise,
    id_number_validate,
)
from titles.models import (
    ORGANIZATION_PERMISSIONS_BY_ROLE,
    Organization,
    OrganizationUserObjectPermission,
    RoleAssignment,
    User,
)

for _action, _label in {
    "organization.create": _("Organization created"),
    "organization.update": _("Organization changed"),
    "role.grant": _("Role granted"),
    "role.revoke": _("Role revoked"),
    "permission.assign": _("Permission to act for the organization granted"),
    "permission.remove": _("Permission to act for the organization withdrawn"),
    "person.create": _("Account created"),
    "person.update": _("Personal details changed"),
    "person.set_id_number": _("Resident ID number recorded"),
}.items():
    audit_action_label_register(_action, _label)

ORGANIZATION_EDITABLE_FIELDS = (
    "name",
    "name_en",
    "kind",
    "district",
    "unified_social_credit_code",
    "active",
)


# --- Organizations ---------------------------------------------------------------------------


def organization_create(
    *,
    name: str,
    kind: str,
    actor,
    name_en: str = "",
    district: str = "",
    unified_social_credit_code: str | None = None,
    active: bool = True,
) -> Organization:
    """Create an organization after full validation; audits ``organization.create``."""
    organization = Organization(
        name=name.strip(),
        name_en=name_en.strip(),
        kind=kind,
        district=district,
        unified_social_credit_code=(unified_social_credit_code or "").strip().upper() or None,
        active=active,
    )
    organization.full_clean()
    with transaction.atomic():
        organization.save()
        audit_record(
            actor=actor,
            action="organization.create",
            obj=organization,
            data={"name": organization.name, "kind": organization.kind},
        )
    return organization


def organization_update(*, organization: Organization, actor, **changes) -> Organization:
    """Change some of ``ORGANIZATION_EDITABLE_FIELDS``; audits the old and new values.

    Deactivating keeps existing role assignments (their reviews may still be running); an
    inactive organization can no longer be chosen for new ones.
    """
    unknown = set(changes) - set(ORGANIZATION_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        before = {name: getattr(locked, name) for name in changes}
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.full_clean()
        changed = {
            name: [before[name], getattr(locked, name)]
            for name in changes
            if before[name] != getattr(locked, name)
        }
        if changed:
            locked.save(update_fields=list(changed))
            audit_record(
                actor=actor, action="organization.update", obj=locked, data={"changed": changed}
            )
    for name in ORGANIZATION_EDITABLE_FIELDS:
        setattr(organization, name, getattr(locked, name))
    return organization


# --- Roles -----------------------------------------------------------------------------------


def _role(role) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ValidationError({"role": _("Choose one of the roles.")}, code="role") from None


# What bureau staff manage in the admin (DOMAIN.md: organizations, people, roles, series,
# disciplines, and the working-day calendar). Their group holds these model permissions.
BUREAU_ADMIN_MODELS = {
    "organization": ("view", "add", "change"),
    "roleassignment": ("view", "add", "delete"),
    "titleseries": ("view", "add", "change"),
    "discipline": ("view", "add", "change"),
    "user": ("view", "change"),
    "calendaryear": ("view", "add", "change"),
    "calendarday": ("view",),
    "outboxemail": ("view", "change"),  # the email outbox, to resend (titles.admin_outbox)
}
# Models of other apps the bureau staff maintain too: (app label, model, actions).
BUREAU_ADMIN_OTHER_MODELS = [
    ("applications", "checklistitem", ("view", "add", "change")),
    ("committee", "committee", ("view", "add", "change")),
    ("review", "panel", ("view", "add", "change")),
]


def _role_group(role: Role) -> Group:
    group = Group.objects.get_or_create(name=role.value)[0]
    if role == Role.BUREAU_STAFF:
        codenames = [
            f"{action}_{model}"
            for model, actions in BUREAU_ADMIN_MODELS.items()
            for action in actions
        ]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="titles", codename__in=codenames)
        )
        for app_label, model, actions in BUREAU_ADMIN_OTHER_MODELS:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__in=[f"{action}_{model}" for action in actions],
                )
            )
    return group


def _staff_flag_sync(user) -> None:
    """Bureau staff use the admin (behind two-factor sign-in): ``is_staff`` follows the role."""
    wanted = (
        user.is_superuser
        or RoleAssignment.objects.filter(user=user, role=Role.BUREAU_STAFF).exists()
    )
    if user.is_staff != wanted:
        user.is_staff = wanted
        user.save(update_fields=["is_staff"])


def _lock_person(user) -> None:
    """Serialise role changes of one person (their group and permissions are shared state)."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def _holds_permission(user, organization: Organization, codename: str) -> bool:
    return OrganizationUserObjectPermission.objects.filter(
        user=user, content_object=organization, permission__codename=codename
    ).exists()


def role_grant(
    *, user, role: str, organization: Organization | None = None, actor
) -> RoleAssignment:
    """Give ``user`` the role, for ``organization`` where the role acts for one.

    Validates the organization's kind (see ``ROLE_ORGANIZATION_KINDS``) and that it is active;
    adds the user to the role's group and assigns the role's object permissions on the
    organization. Audits ``role.grant`` on the person, then one ``permission.assign`` on the
    organization per permission newly assigned. Granting a role already held changes and
    records nothing and returns the existing assignment.
    """
    role = _role(role)
    with transaction.atomic():
        _lock_person(user)
        existing = RoleAssignment.objects.filter(
            user=user, role=role, organization=organization
        ).first()
        if existing is not None:
            return existing
        if organization is not None and not organization.active:
            raise ValidationError(
                {"organization": _("This organization is inactive; choose an active one.")},
                code="organization_inactive",
            )
        assignment = RoleAssignment(
            user=user,
            role=role,
            organization=organization,
            granted_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        assignment.full_clean()
        assignment.save()
        group = _role_group(role)
        joined = not user.groups.filter(pk=group.pk).exists()
        if joined:
            user.groups.add(group)
            _role_cache_forget(user)
        _staff_flag_sync(user)
        audit_record(
            actor=actor,
            action="role.grant",
            obj=user,
            data={
                "assignment": assignment.pk,
                "role": role.value,
                "organization": organization.pk if organization else None,
                "group_joined": joined,
            },
        )
        for codename in ORGANIZATION_PERMISSIONS_BY_ROLE.get(role, ()):
            if _holds_permission(user, organization, codename):
                continue
            assign_perm(f"titles.{codename}", user, organization)
            audit_record(
                actor=actor,
                action="permission.assign",
                obj=organization,
                data={"user": user.pk, "permission": codename, "assignment": assignment.pk},
            )
    return assignment


def role_revoke(*, assignment: RoleAssignment, actor) -> None:
    """Take the role away: delete the assignment, and leave the group and withdraw object
    permissions that none of the person's remaining assignments still needs.

    Audits ``role.revoke`` on the person, then one ``permission.remove`` on the organization per
    permission withdrawn.
    """
    with transaction.atomic():
        _lock_person(assignment.user)
        locked = (
            RoleAssignment.objects.select_for_update(of=("self",))
            .select_related("user", "organization")
            .filter(pk=assignment.pk)
            .first()
        )
        if locked is None:
            raise ValidationError(_("This role assignment no longer exists."), code="gone")
        user, role, organization = locked.user, Role(locked.role), locked.organization
        assignment_pk = locked.pk
        locked.delete()
        remaining = RoleAssignment.objects.filter(user=user)
        left = not remaining.filter(role=role).exists()
        if left:
            user.groups.remove(_role_group(role))
            _role_cache_forget(user)
        _staff_flag_sync(user)
        audit_record(
            actor=actor,
            action="role.revoke",
            obj=user,
            data={
                "assignment": assignment_pk,
                "role": role.value,
                "organization": organization.pk if organization else None,
                "group_left": left,
            },
        )
        if organization is None:
            return
        still_needed = {
            codename
            for other_role in remaining.filter(organization=organization).values_list(
                "role", flat=True
            )
            for codename in ORGANIZATION_PERMISSIONS_BY_ROLE.get(other_role, ())
        }
        for codename in ORGANIZATION_PERMISSIONS_BY_ROLE.get(role, ()):
            if codename in still_needed or not _holds_permission(user, organization, codename):
                continue
            remove_perm(f"titles.{codename}", user, organization)
            audit_record(
                actor=actor,
                action="permission.remove",
                obj=organization,
                data={"user": user.pk, "permission": codename, "assignment": assignment_pk},
            )


# --- Personal data ---------------------------------------------------------------------------


def person_update(*, user, actor, real_name: str, phone: str, email: str) -> None:
    """Change a person's name, phone and email; audits which fields changed (not their values)."""
    values = {"real_name": real_name.strip(), "phone": phone.strip(), "email": email.strip()}
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            raise ValidationError(
                {"email": _("Enter a valid email address.")}, code="email"
            ) from None
        taken = User.objects.filter(email__iexact=values["email"]).exclude(pk=user.pk)
        if taken.exists():
            raise ValidationError(
                {"email": _("An account with this email already exists.")}, code="email_taken"
            )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        if not changed:
            return
        for name in changed:
            setattr(locked, name, values[name])
        locked.save(update_fields=changed)
        audit_record(actor=actor, action="person.update", obj=locked, data={"fields": changed})
    for name in changed:
        setattr(user, name, values[name])


def person_record_account_change(*, user, actor, fields: list[str], created: bool) -> None:
    """Audit an account the admin created or changed (``person.create`` / ``person.update``),
    naming the fields changed, never their values. The admin saves the account itself."""
    audit_record(
        actor=actor,
        action="person.create" if created else "person.update",
        obj=user,
        data={"fields": sorted(fields)},
    )


def person_set_id_number(*, user, id_number: str, actor) -> None:
    """Validate (GB 11643), encrypt and store the person's resident ID number with its lookup hash.

    Raises ``ValidationError`` with a message saying what is wrong, or that another account holds
    the number. Audits ``person.set_id_number`` on the person, without the number. Setting the
    number already stored changes and records nothing.
    """
    number = id_number_validate(id_number)
    digest = id_number_lookup_hash(number)
    taken = ValidationError(
        _("This ID number is already registered to another account."), code="id_number_taken"
    )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.id_number_hash == digest:
            return
        if User.objects.filter(id_number_hash=digest).exclude(pk=user.pk).exists():
            raise taken
        replaced = bool(locked.id_number_hash)
        locked.id_number_encrypted = id_number_encrypt(number)
        locked.id_number_hash = digest
        try:
            with transaction.atomic():
                locked.save(update_fields=["id_number_encrypted", "id_number_hash"])
        except IntegrityError:
            raise taken from None
        audit_record(
            actor=actor, action="person.set_id_number", obj=locked, data={"replaced": replaced}
        )
    user.id_number_encrypted = locked.id_number_encrypted
    user.id_number_hash = locked.id_number_hash


def id_number_for_viewer(*, subject, viewer) -> str:
    """The subject's ID number in clear for the holder, masked (``110***********1234``) for anyone
    else, bureau staff and superusers included; empty when none is recorded."""
    if getattr(viewer, "is_authenticated", False) and viewer.pk == subject.pk:
        return subject.id_number
    return subject.id_number_masked


def person_by_id_number(id_number: str) -> User | None:
    """The account holding exactly this number (found by its keyed hash), or None."""
    number = id_number_normalise(id_number)
    if not number:
        return None
    return User.objects.filter(id_number_hash=id_number_lookup_hash(number)).first()


# --- Selectors -------------------------------------------------------------------------------


# Within one request, each person's role names are read once (the permission checks of a page
# ask many times). The request middleware opens the cache; outside a request nothing is cached.
request_role_cache: ContextVar[dict | None] = ContextVar("request_role_cache", default=None)


def role_names(user) -> frozenset[str]:
    """The names of the role groups the user belongs to (once per request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cache = request_role_cache.get()
    if cache is not None and user.pk in cache:
        return cache[user.pk]
    names = frozenset(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    if cache is not None:
        cache[user.pk] = names
    return names


def role_names_seed(user, names) -> None:
    """Record role names read with the user (``titles.backends``) in the request's cache."""
    cache = request_role_cache.get()
    if cache is not None:
        cache[user.pk] = frozenset(names)


def has_role(user, *roles: str) -> bool:
    """True when the user holds any of ``roles``."""
    return not role_names(user).isdisjoint(str(role) for role in roles)


def _role_cache_forget(user) -> None:
    cache = request_role_cache.get()
    if cache is not None:
        cache.pop(user.pk, None)


def user_roles(user) -> set[Role]:
    """The roles the user holds: the role groups they belong to."""
    return {Role(name) for name in role_names(user)}


def user_role_assignments(user) -> QuerySet[RoleAssignment]:
    """The user's assignments with their organizations, in role order."""
    return RoleAssignment.objects.filter(user=user).select_related("organization")


def user_organizations(user, role: str) -> QuerySet[Organization]:
    """The organizations the user holds ``role`` for."""
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return Organization.objects.filter(role_assignments__user=user, role_assignments__role=role)


def organizations_reviewable_by(user) -> QuerySet[Organization]:
    """Organizations whose applications the user reviews as employer reviewer (object permission
    ``review_for_organization``; superusers get no shortcut). Filter with it before any lookup."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Organization.objects.none()
    if not has_role(user, Role.EMPLOYER_REVIEWER):
        # The permission comes with the role; without the role it grants nothing (and the
        # permission tables are not searched on every page of every applicant).
        return Organization.objects.none()
    return get_objects_for_user(
        user,
        "titles.review_for_organization",
        klass=Organization,
        use_groups=True,
        with_superuser=False,
        accept_global_perms=False,
    )


def organizations_of_member(user) -> QuerySet[Organization]:
    """Organizations the user belongs to in any role (an applicant's employer included)."""
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return Organization.objects.filter(
        pk__in=RoleAssignment.objects.filter(user=user, organization__isnull=False).values(
            "organization_id"
        )
    )


def is_member_of(user, organization_id: int | None) -> bool:
    """True when the user holds any role tied to that organization."""
    if organization_id is None or not getattr(user, "is_authenticated", False):
        return False
    return RoleAssignment.objects.filter(user=user, organization_id=organization_id).exists()


def reviewers_of_organization(organization_id: int | None) -> QuerySet[User]:
    """Active employer reviewers of that organization (those holding its review permission)."""
    if organization_id is None:
        return User.objects.none()
    holders = OrganizationUserObjectPermission.objects.filter(
        content_object_id=organization_id, permission__codename="review_for_organization"
    ).values("user_id")
    return User.objects.filter(is_active=True, pk__in=holders).order_by("pk")


def users_with_role(role: str) -> QuerySet[User]:
    """Active users in the role's group."""
    return User.objects.filter(is_active=True, groups__name=Role(role).value).order_by("pk")


# The later stages fill the panels: each registers a template (and what it needs) for a role.
_PANEL_CONTENT: dict[Role, tuple[str, Callable[[User], dict] | None]] = {}


def dashboard_panel_register(
    role: str, *, template: str, context: Callable[[User], dict] | None = None
) -> None:
    """Show ``template`` inside the role's dashboard panel; ``context(user)`` adds its variables."""
    _PANEL_CONTENT[Role(role)] = (template, context)


@dataclass
class RolePanel:
    """One panel of the combined dashboard: a role the person holds and where."""

    role: Role
    organizations: list[Organization] = field(default_factory=list)
    template: str = ""
    context: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(self.role.label)


def dashboard_role_panels(user) -> list[RolePanel]:
    """One panel per role the user holds (group or assignment), in the order of ``Role``."""
    panels = {role: RolePanel(role) for role in user_roles(user)}
    for assignment in user_role_assignments(user):
        panel = panels.setdefault(Role(assignment.role), RolePanel(Role(assignment.role)))
        if assignment.organization is not None:
            panel.organizations.append(assignment.organization)
    for panel in panels.values():
        template, context = _PANEL_CONTENT.get(panel.role, ("", None))
        panel.template = template
        panel.context = context(user) if context else {}
    order = list(Role)
    return sorted(panels.values(), key=lambda panel: order.index(panel.role))
