"""People, organizations and roles: services (writes) and selectors (reads).

Every write is atomic and appends its audit events in the same transaction. By concern:
``organizations``, ``roles`` (granting, revoking, and the per-request role cache), ``persons``
(a person's own data, signing up) and ``selectors``. Every name stays importable from
``titles.people``.
"""

from titles.people.organizations import (
    ORGANIZATION_EDITABLE_FIELDS,
    organization_create,
    organization_update,
)
from titles.people.persons import (
    id_number_for_viewer,
    person_by_id_number,
    person_record_account_change,
    person_set_id_number,
    person_sign_up,
    person_update,
)
from titles.people.roles import (
    BUREAU_ADMIN_MODELS,
    BUREAU_ADMIN_OTHER_MODELS,
    has_role,
    request_role_cache,
    role_grant,
    role_names,
    role_names_seed,
    role_revoke,
    user_roles,
)
from titles.people.selectors import (
    RolePanel,
    dashboard_role_panels,
    is_member_of,
    organizations_of_member,
    organizations_reviewable_by,
    reviewers_of_organization,
    user_organizations,
    user_role_assignments,
    users_with_role,
)

__all__ = [
    "BUREAU_ADMIN_MODELS",
    "BUREAU_ADMIN_OTHER_MODELS",
    "ORGANIZATION_EDITABLE_FIELDS",
    "RolePanel",
    "dashboard_role_panels",
    "has_role",
    "id_number_for_viewer",
    "is_member_of",
    "organization_create",
    "organization_update",
    "organizations_of_member",
    "organizations_reviewable_by",
    "person_by_id_number",
    "person_record_account_change",
    "person_set_id_number",
    "person_sign_up",
    "person_update",
    "request_role_cache",
    "reviewers_of_organization",
    "role_grant",
    "role_names",
    "role_names_seed",
    "role_revoke",
    "user_organizations",
    "user_role_assignments",
    "user_roles",
    "users_with_role",
]
