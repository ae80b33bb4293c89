"""Roles: granted and revoked through these services only (audited), and read once per request.

Roles live in three places that these services keep in step, and nowhere else writes them:

* a :class:`RoleAssignment` row (who holds which role, for which organization),
* membership of the Django group named after the role (other code checks roles by group),
* guardian object permissions on the organization (``act_for_organization`` for every role that
  acts for one; ``review_for_organization`` for employer reviewers), which scope querysets.
"""

from contextvars import ContextVar

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm

from titles.audit import audit_action_label_register, audit_record
from titles.enums import Role
from titles.models import (
    ORGANIZATION_PERMISSIONS_BY_ROLE,
    Organization,
    OrganizationUserObjectPermission,
    RoleAssignment,
    User,
)

for _action, _label in {
    "role.grant": _("Role granted"),
    "role.revoke": _("Role revoked"),
    "permission.assign": _("Permission to act for the organization granted"),
    "permission.remove": _("Permission to act for the organization withdrawn"),
}.items():
    audit_action_label_register(_action, _label)

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
    ("applications", "application", ("view",)),  # read only, with the audit timeline
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


# --- Reads -----------------------------------------------------------------------------------


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
