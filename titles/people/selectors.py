"""Reads about people: who belongs to which organization, who reviews for it, who holds a role,
and the dashboard's panels (one per role held)."""

from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from titles.enums import JoinRequestStatus, OrganizationKind, OrganizationStatus, Role
from titles.models import (
    JoinRequest,
    Membership,
    Organization,
    OrganizationInvitation,
    OrganizationUserObjectPermission,
    RoleAssignment,
    User,
)
from titles.people.roles import has_role, user_roles


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
    """Organizations the user belongs to: a membership (invited, request confirmed, registered
    it) or any role tied to it (an applicant's employer included)."""
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return Organization.objects.filter(
        Q(
            pk__in=RoleAssignment.objects.filter(user=user, organization__isnull=False).values(
                "organization_id"
            )
        )
        | Q(pk__in=Membership.objects.filter(user=user).values("organization_id"))
    )


def is_member_of(user, organization_id: int | None) -> bool:
    """True when the user belongs to that organization (a membership or a role tied to it)."""
    if organization_id is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        Membership.objects.filter(user=user, organization_id=organization_id).exists()
        or RoleAssignment.objects.filter(user=user, organization_id=organization_id).exists()
    )


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


def role_holders(role: str) -> list[User]:
    """``users_with_role(role)``, read now in two short queries: the group's id first, then its
    users by that id. Found by the group's name in one query, PostgreSQL cannot tell the few
    agency staff from the 100,000 applicants and scans every user (22 ms at 100,000
    applications); with the id written out it reads the few."""
    group_ids = list(Group.objects.filter(name=Role(role).value).values_list("pk", flat=True))
    if not group_ids:
        return []
    return list(User.objects.filter(is_active=True, groups__in=group_ids).order_by("pk"))


@dataclass
class RolePanel:
    """One panel of the combined dashboard: a role the person holds and where. The stage that
    role works in fills ``template`` and ``context`` (``portal.views.dashboard``)."""

    role: Role
    organizations: list[Organization] = field(default_factory=list)
    template: str = ""
    context: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(self.role.label)


def dashboard_role_panels(user) -> list[RolePanel]:
    """One panel per role the user holds (group or assignment), with its organizations, in the
    order of ``Role``; still empty (the portal fills each from the role's stage)."""
    panels = {role: RolePanel(role) for role in user_roles(user)}
    for assignment in user_role_assignments(user):
        panel = panels.setdefault(Role(assignment.role), RolePanel(Role(assignment.role)))
        if assignment.organization is not None:
            panel.organizations.append(assignment.organization)
    order = list(Role)
    return sorted(panels.values(), key=lambda panel: order.index(panel.role))


# --- organizations that register themselves, and their members ---------------------------


def organization_registrations_pending() -> QuerySet[Organization]:
    """Registrations awaiting the bureau, oldest first, with who registered them."""
    return (
        Organization.objects.filter(status=OrganizationStatus.PENDING)
        .select_related("registered_by")
        .order_by("created_at", "pk")
    )


def organization_registrations_decided(limit: int = 20) -> QuerySet[Organization]:
    """The latest registrations the bureau decided, newest first."""
    return (
        Organization.objects.filter(registered_by__isnull=False, decided_at__isnull=False)
        .select_related("registered_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


def organizations_visible_as_page(user) -> QuerySet[Organization]:
    """Organizations whose page the user may open: those they review for, registered, or
    belong to; bureau staff every one. Filter with it before any lookup (404 otherwise)."""
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    if has_role(user, Role.BUREAU_STAFF):
        return Organization.objects.all()
    return Organization.objects.filter(
        Q(pk__in=organizations_reviewable_by(user).values("pk"))
        | Q(registered_by=user)
        | Q(pk__in=organizations_of_member(user).values("pk"))
    )


def organizations_of_person(user) -> QuerySet[Organization]:
    """The organizations the person belongs to, and those they registered (pending or refused
    ones included, so the registrant finds their page), in one query."""
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return Organization.objects.filter(
        Q(pk__in=organizations_of_member(user).values("pk")) | Q(registered_by=user)
    ).order_by("name")


def organization_members(organization: Organization) -> QuerySet[Membership]:
    return Membership.objects.filter(organization=organization).select_related("user")


def organization_join_requests_waiting(organization: Organization) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(
        organization=organization, status=JoinRequestStatus.PENDING
    ).select_related("user")


def organization_invitations_open(organization: Organization) -> QuerySet[OrganizationInvitation]:
    return OrganizationInvitation.objects.filter(
        organization=organization, accepted_at__isnull=True
    ).order_by("-created_at")


def organizations_joinable() -> QuerySet[Organization]:
    """Approved, active organizations a person may ask to join (employers and the bodies that
    recommend freelancers)."""
    return Organization.objects.filter(
        status=OrganizationStatus.APPROVED,
        active=True,
        kind__in=[
            OrganizationKind.EMPLOYER,
            OrganizationKind.INDUSTRY_ASSOCIATION,
            OrganizationKind.LEARNED_SOCIETY,
            OrganizationKind.DISTRICT_HR_BUREAU,
        ],
    )


def join_requests_of(user) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(user=user).select_related("organization")
