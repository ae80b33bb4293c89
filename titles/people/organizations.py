"""Organizations: created and changed through these services only (audited)."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from titles.audit import audit_action_label_register, audit_record
from titles.models import (
    Organization,
)

for _action, _label in {
    "organization.create": _("Organization created"),
    "organization.update": _("Organization changed"),
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
