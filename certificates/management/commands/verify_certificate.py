import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from certificates.enums import VerificationResult
from certificates.verification import certificate_check_number

EXIT_CODES = {
    VerificationResult.VALID: 0,
    VerificationResult.REVOKED: 1,
    VerificationResult.UNKNOWN: 2,
    VerificationResult.ALTERED: 3,
}


class Command(BaseCommand):
    help = (
        "Prints valid / revoked / unknown / tampered for a certificate number; exits 0 only "
        "when valid (1 revoked, 2 unknown, 3 tampered)."
    )

    def add_arguments(self, parser):
        parser.add_argument("number")

    def handle(self, *args, number: str, **options):
        outcome = certificate_check_number(number=number)
        line = outcome.command_word
        if outcome.result == VerificationResult.REVOKED:
            line += f" {timezone.localtime(outcome.certificate.revoked_at):%Y-%m-%d}"
        self.stdout.write(line)
        code = EXIT_CODES[outcome.result]
        if code:
            sys.exit(code)
