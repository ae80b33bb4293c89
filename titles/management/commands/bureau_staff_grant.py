"""The installation's first step after ``migrate``: make a person bureau staff of the municipal
bureau (the migrations ship the bureau), so that everything after it happens on pages: approving
organizations, setting up committees and the agency's staff."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from titles.enums import OrganizationKind, Role
from titles.models import Organization, User
from titles.people import role_grant


class Command(BaseCommand):
    help = (
        "Make an existing account bureau staff of the municipal bureau (audited). They set up "
        "their authenticator at their next sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    @transaction.atomic
    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active account has the user name {username!r}.")
        bureau = Organization.objects.filter(
            kind=OrganizationKind.MUNICIPAL_BUREAU, active=True
        ).first()
        if bureau is None:
            raise CommandError("No municipal bureau organization exists: run migrate first.")
        role_grant(user=user, role=Role.BUREAU_STAFF, organization=bureau, actor=None)
        self.stdout.write(f"{username} is bureau staff of {bureau.name}.")
