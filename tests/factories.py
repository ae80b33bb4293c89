import itertools
from datetime import date

import factory
from django.contrib.auth.models import Group

from titles.enums import BeijingDistrict, OrganizationKind
from titles.id_numbers import id_number_check_character
from titles.models import Discipline, Organization, RoleAssignment, TitleSeries, User

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    real_name = factory.Sequence(lambda n: f"测试用户{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.cn")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=role)[0])

    @factory.post_generation
    def id_number(self, create, extracted, **kwargs):
        """``UserFactory(id_number=id_number_valid())`` records it through the service."""
        if extracted:
            from titles.people import person_set_id_number

            person_set_id_number(user=self, id_number=extracted, actor=None)


_id_serials = itertools.count(1)


def id_number_valid(
    *, area: str = "110108", birth: date = date(1985, 6, 15), serial: int | None = None
) -> str:
    """A resident ID number with a correct check character (a new serial each call)."""
    serial = next(_id_serials) % 1000 if serial is None else serial
    first17 = f"{area}{birth:%Y%m%d}{serial:03d}"
    return first17 + id_number_check_character(first17)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"北京测试科技有限公司{n}")
    name_en = factory.Sequence(lambda n: f"Beijing Test Technology Co. {n}")
    kind = OrganizationKind.EMPLOYER

    class Params:
        industry_association = factory.Trait(kind=OrganizationKind.INDUSTRY_ASSOCIATION)
        learned_society = factory.Trait(kind=OrganizationKind.LEARNED_SOCIETY)
        district_hr_bureau = factory.Trait(
            kind=OrganizationKind.DISTRICT_HR_BUREAU, district=BeijingDistrict.HAIDIAN
        )
        evaluation_agency = factory.Trait(kind=OrganizationKind.EVALUATION_AGENCY)
        municipal_bureau = factory.Trait(kind=OrganizationKind.MUNICIPAL_BUREAU)
        inactive = factory.Trait(active=False)


def role_assignment(user, role: str, organization=None) -> RoleAssignment:
    """Grant through the service, so group and object permissions are what production has."""
    from titles.people import role_grant

    return role_grant(user=user, role=role, organization=organization, actor=None)


def person_with_role(role: str, organization=None, **user_fields) -> User:
    """A new user holding ``role`` (for ``organization``), granted through the service."""
    user = UserFactory(**user_fields)
    role_assignment(user, role, organization)
    return user


def discipline_of(series_code: str = "eng", code: str = "ai") -> Discipline:
    series, _ = TitleSeries.objects.get_or_create(
        code=series_code, defaults={"name": "工程技术", "name_en": "Engineering"}
    )
    found, _ = Discipline.objects.get_or_create(
        code=code,
        defaults={"series": series, "name": "人工智能", "name_en": "Artificial intelligence"},
    )
    return found


def sign_in_verified(client, user):
    """Sign ``user`` in with a session verified by a confirmed TOTP device (created here without
    an audit event), as staff roles and the admin need; returns the client."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
