from django.core.management.base import BaseCommand, CommandError

from titles.audit import audit_verify
from titles.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; report the first altered or missing row."

    def handle(self, *args, **options):
        problem = audit_verify()
        if problem:
            raise CommandError(str(problem))
        self.stdout.write(f"Audit trail intact: {AuditEvent.objects.count()} event(s).")
