from django.core.management.base import BaseCommand
from django.db import transaction

from portal.demo import (
    demo_applications_seed,
    demo_later_stages_seed,
    demo_panel_and_committee_seed,
)
from titles.enums import BeijingDistrict, OrganizationKind, Role
from titles.id_numbers import id_number_check_character
from titles.models import Discipline, Organization, TitleSeries, User
from titles.people import organization_create, person_set_id_number, role_grant
from titles.twofactor import TWO_FACTOR_ROLES, totp_device_ensure

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed on purpose: demo data only

DEMO_PEOPLE = [
    ("applicant", "张明", Role.APPLICANT),
    ("employer", "李华", Role.EMPLOYER_REVIEWER),
    ("agency", "王芳", Role.AGENCY_STAFF),
    ("expert", "赵强", Role.PANEL_EXPERT),
    ("expert2", "钱勇", Role.PANEL_EXPERT),
    ("expert3", "孙伟", Role.PANEL_EXPERT),
    ("member", "陈静", Role.COMMITTEE_MEMBER),
    ("member2", "杨帆", Role.COMMITTEE_MEMBER),
    ("member3", "黄蕾", Role.COMMITTEE_MEMBER),
    ("chairman", "刘伟", Role.COMMITTEE_CHAIRMAN),
    ("bureau", "孙丽", Role.BUREAU_STAFF),
]

K = OrganizationKind
# (name, English name, kind, district): every kind, with the names Beijing uses.
DEMO_ORGANIZATIONS = [
    ("北京智源科技有限公司", "Beijing Zhiyuan Technology Co., Ltd.", K.EMPLOYER, ""),
    ("北京华清医疗器械有限公司", "Beijing Huaqing Medical Devices Co., Ltd.", K.EMPLOYER, ""),
    (
        "北京软件和信息服务业协会",
        "Beijing Software and Information Services Association",
        K.INDUSTRY_ASSOCIATION,
        "",
    ),
    ("北京电子学会", "Beijing Institute of Electronics", K.LEARNED_SOCIETY, ""),
    (
        "北京市海淀区人力资源和社会保障局",
        "Haidian District Bureau of HR and Social Security",
        K.DISTRICT_HR_BUREAU,
        BeijingDistrict.HAIDIAN,
    ),
    (
        "北京市朝阳区人力资源和社会保障局",
        "Chaoyang District Bureau of HR and Social Security",
        K.DISTRICT_HR_BUREAU,
        BeijingDistrict.CHAOYANG,
    ),
    (
        "北京市境外职业资格认可评估中心",
        "Beijing Overseas Vocational Qualification Recognition Centre",
        K.QUALIFICATION_AUTHORITY,
        "",
    ),
    (
        "中关村科技园区海淀园管理委员会",
        "Administrative Committee of Zhongguancun Haidian Park",
        K.INDUSTRY_AUTHORITY,
        BeijingDistrict.HAIDIAN,
    ),
    (
        "北京市经济和信息化局",
        "Beijing Municipal Bureau of Economy and Information Technology",
        K.INDUSTRY_AUTHORITY,
        "",
    ),
    (
        "北京市职称评审服务中心",
        "Beijing Professional Title Evaluation Service Centre",
        K.EVALUATION_AGENCY,
        "",
    ),
    (
        "北京市人力资源和社会保障局",
        "Beijing Municipal Bureau of Human Resources and Social Security",
        K.MUNICIPAL_BUREAU,
        "",
    ),
]

# The organization each demo person is tied to (the roles that act for one must have it).
DEMO_ORGANIZATION_OF = {
    "applicant": "北京智源科技有限公司",
    "employer": "北京智源科技有限公司",
    "agency": "北京市职称评审服务中心",
    "bureau": "北京市人力资源和社会保障局",
}

# Haidian (110108), born 1990-03-07, serial 123, and the check character it needs.
DEMO_APPLICANT_ID_NUMBER = "11010819900307123" + id_number_check_character("11010819900307123")


class Command(BaseCommand):
    help = (
        "Create one demo user per role (password printed) and a few applications in several "
        "states. Safe to run twice."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        organizations, new_organizations = self._organizations()
        rows = []
        totp_secrets = []
        for username, real_name, role in DEMO_PEOPLE:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"real_name": real_name, "email": f"{username}@example.cn"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            organization = organizations.get(DEMO_ORGANIZATION_OF.get(username, ""))
            role_grant(user=user, role=role, organization=organization, actor=None)
            if username == "applicant":
                person_set_id_number(user=user, id_number=DEMO_APPLICANT_ID_NUMBER, actor=None)
            if role in TWO_FACTOR_ROLES:  # these roles sign in with a code: a device, reused
                totp_secrets.append((username, totp_device_ensure(user=user)[1]))
            rows.append(
                (
                    username,
                    str(role.label),
                    organization.name if organization else "",
                    "created" if created else "exists",
                )
            )
        self.stdout.write(
            f"Organizations: {len(organizations)} ({new_organizations} new); "
            f"title series: {TitleSeries.objects.count()}; "
            f"disciplines: {Discipline.objects.count()}"
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, label, organization_name, status in rows:
            self.stdout.write(f"  {username:<10} {label:<28} {organization_name:<18} {status}")
        reviewer = User.objects.get(username="employer")
        made = demo_applications_seed(password=DEMO_PASSWORD, employer_reviewer=reviewer)
        demo_panel_and_committee_seed()
        made += demo_later_stages_seed(password=DEMO_PASSWORD, employer_reviewer=reviewer)
        if made:
            self.stdout.write("Demo applications:")
            for line in made:
                self.stdout.write(line)
        self.stdout.write("Two-factor keys (add to an authenticator app as a time-based key):")
        for username, secret in totp_secrets:
            self.stdout.write(f"  {username:<10} {secret}")

    def _organizations(self) -> tuple[dict[str, Organization], int]:
        found, new = {}, 0
        for name, name_en, kind, district in DEMO_ORGANIZATIONS:
            organization = Organization.objects.filter(name=name).first()
            if organization is None:
                organization = organization_create(
                    name=name, name_en=name_en, kind=kind, district=district, actor=None
                )
                new += 1
            found[name] = organization
        return found, new
