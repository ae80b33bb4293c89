from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from titles.enums import Role
from titles.models import User

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - printed on purpose: demo data only

DEMO_PEOPLE = [
    ("applicant", "张明", Role.APPLICANT),
    ("employer", "李华", Role.EMPLOYER_REVIEWER),
    ("agency", "王芳", Role.AGENCY_STAFF),
    ("expert", "赵强", Role.PANEL_EXPERT),
    ("member", "陈静", Role.COMMITTEE_MEMBER),
    ("chairman", "刘伟", Role.COMMITTEE_CHAIRMAN),
    ("bureau", "孙丽", Role.BUREAU_STAFF),
]


class Command(BaseCommand):
    help = "Create one demo user per role (password printed). Safe to run twice."

    @transaction.atomic
    def handle(self, *args, **options):
        rows = []
        for username, real_name, role in DEMO_PEOPLE:
            group, _ = Group.objects.get_or_create(name=role.value)
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"real_name": real_name, "email": f"{username}@example.cn"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            user.groups.add(group)
            rows.append((username, str(role.label), "created" if created else "exists"))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, label, status in rows:
            self.stdout.write(f"  {username:<10} {label:<28} {status}")
