import io

import pytest
from django.core.management import call_command

from certificates.models import Certificate
from certificates.services import certificate_revoke
from tests.bureau.factories import bureau_staff
from tests.certificates.factories import issued

pytestmark = pytest.mark.django_db


def run(number: str) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("verify_certificate", number, stdout=out)
    except SystemExit as exit_:
        return out.getvalue(), exit_.code
    return out.getvalue(), 0


def test_verify_certificate_prints_valid_and_exits_zero():
    certificate = issued()
    assert run(certificate.number) == ("valid\n", 0)


def test_verify_certificate_prints_revoked_with_the_date():
    certificate = issued()
    revoked = certificate_revoke(certificate=certificate, actor=bureau_staff(), reason="撤销")
    from django.utils import timezone

    date = timezone.localtime(revoked.revoked_at).strftime("%Y-%m-%d")
    assert run(certificate.number) == (f"revoked {date}\n", 1)


def test_verify_certificate_prints_unknown():
    assert run("BJGZ-2026-424242") == ("unknown\n", 2)


def test_verify_certificate_prints_tampered():
    certificate = issued()
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="冒名")
    assert run(certificate.number) == ("tampered\n", 3)
