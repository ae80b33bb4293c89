"""Applications the committee has approved, bureau staff, and a batch on public notice."""

from applications.models import Application
from bureau import services
from tests.applications.factories import complete_application, organization
from tests.factories import UserFactory
from titles.enums import OrganizationKind, Role
from titles.models import Organization
from titles.people import role_grant

BUREAU_NAME = "北京市人力资源和社会保障局"


def bureau_organization() -> Organization:
    return Organization.objects.filter(name=BUREAU_NAME).first() or organization(
        OrganizationKind.MUNICIPAL_BUREAU, name=BUREAU_NAME
    )


def bureau_staff(**user_fields):
    user = UserFactory(**user_fields)
    role_grant(user=user, role=Role.BUREAU_STAFF, organization=bureau_organization(), actor=None)
    return user


def approved(**kwargs) -> Application:
    """A complete application (ID number, phone, email recorded) in ``bureau_review``."""
    return complete_application(bureau_review=True, **kwargs)


def on_notice(applications, staff, working_days=5):
    """Publish ``applications`` in one batch notice now."""
    return services.public_notice_publish(
        applications=applications, actor=staff, working_days=working_days, title="2026年第一批"
    )
