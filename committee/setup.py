"""Bureau staff set up the committees (chairman, vice-chairman, members, quorum) and the
evaluation agency's staff, without the admin.

Writes only the committee's own fields and the roles that go with them; the rules that read
``quorum`` and ``vice_chairman`` (who presides, whether a meeting may proceed) are the
committee's services', not these. Audited in the same transaction."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from committee.models import Committee
from titles.audit import audit_action_label_register, audit_record
from titles.enums import OrganizationKind, Role
from titles.errors import NotAllowed
from titles.models import Organization, RoleAssignment, User
from titles.people import role_grant, role_revoke
from titles.permissions import is_bureau_staff

for _action, _label in {
    "committee.create": _("Committee set up"),
    "committee.update": _("Committee changed"),
}.items():
    audit_action_label_register(_action, _label)


@dataclass
class CommitteeSetup:
    """What the bureau sets on a committee (people already looked up)."""

    name: str
    chairman: User
    vice_chairman: User | None
    members: list[User]
    quorum: int | None


def _check(setup: CommitteeSetup, committee: Committee | None) -> None:
    name = setup.name.strip()
    errors = {}
    if not name:
        errors["name"] = _("Enter the committee's name.")
    elif Committee.objects.filter(name=name).exclude(pk=getattr(committee, "pk", None)).exists():
        errors["name"] = _("A committee of this name exists already.")
    if setup.vice_chairman is not None and setup.vice_chairman.pk == setup.chairman.pk:
        errors["vice_chairman"] = _("The vice-chairman is another person than the chairman.")
    voting = {setup.chairman.pk, *(member.pk for member in setup.members)}
    if setup.vice_chairman is not None:
        voting.add(setup.vice_chairman.pk)
    if setup.quorum is not None and not 1 <= setup.quorum <= len(voting):
        errors["quorum"] = _(
            "The quorum is between 1 and the number of members (%(count)s), or empty."
        ) % {"count": len(voting)}
    if errors:
        raise ValidationError(errors)


def committee_save(
    *, actor, setup: CommitteeSetup, committee: Committee | None = None
) -> Committee:
    """Create (``committee`` None) or change a committee. The chairman holds the chairman role,
    the vice-chairman and the members the member role (granted when missing; a role is never
    taken away here, the person may sit on another committee). Audits ``committee.create`` or
    ``committee.update`` with the people's ids and the quorum."""
    if not is_bureau_staff(actor):
        raise NotAllowed
    _check(setup, committee)
    members = {member.pk: member for member in setup.members}
    if setup.vice_chairman is not None:
        members.setdefault(setup.vice_chairman.pk, setup.vice_chairman)
    members.pop(setup.chairman.pk, None)  # the chairman votes as chairman
    with transaction.atomic():
        created = committee is None
        if created:
            committee = Committee(name=setup.name.strip(), chairman=setup.chairman)
        else:
            committee = Committee.objects.select_for_update().get(pk=committee.pk)
        committee.name = setup.name.strip()
        committee.chairman = setup.chairman
        committee.vice_chairman = setup.vice_chairman
        committee.quorum = setup.quorum
        committee.save()
        committee.members.set(members.values())
        role_grant(user=setup.chairman, role=Role.COMMITTEE_CHAIRMAN, actor=actor)
        for member in members.values():
            role_grant(user=member, role=Role.COMMITTEE_MEMBER, actor=actor)
        audit_record(
            actor=actor,
            action="committee.create" if created else "committee.update",
            obj=committee,
            data={
                "name": committee.name,
                "chairman": setup.chairman.pk,
                "vice_chairman": getattr(setup.vice_chairman, "pk", None),
                "members": sorted(members),
                "quorum": setup.quorum,
            },
        )
    return committee


def evaluation_agency() -> Organization | None:
    """The evaluation service agency (the data migration ships one)."""
    return (
        Organization.objects.filter(kind=OrganizationKind.EVALUATION_AGENCY, active=True)
        .order_by("pk")
        .first()
    )


def agency_staff_assignments():
    return RoleAssignment.objects.filter(role=Role.AGENCY_STAFF).select_related(
        "user", "organization"
    )


def agency_staff_add(*, actor, user: User, organization: Organization) -> RoleAssignment:
    """Bureau staff make a person staff of the evaluation agency (``role.grant``, audited)."""
    if not is_bureau_staff(actor):
        raise NotAllowed
    return role_grant(user=user, role=Role.AGENCY_STAFF, organization=organization, actor=actor)


def agency_staff_remove(*, actor, assignment: RoleAssignment) -> None:
    """Bureau staff take the agency staff role away (``role.revoke``, audited)."""
    if not is_bureau_staff(actor) or assignment.role != Role.AGENCY_STAFF:
        raise NotAllowed
    role_revoke(assignment=assignment, actor=actor)
