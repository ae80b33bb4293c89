"""Security headers, production settings and the rate limits on sign-in, objections and
verification."""

import os
import re
import secrets
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.bureau.factories import approved, bureau_staff, on_notice
from tests.certificates.factories import issued
from tests.factories import PASSWORD, UserFactory
from tests.titles.test_settings import run_python
from titles.middleware import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Rendered by WeasyPrint into PDF documents, never served as HTML pages.
PDF_TEMPLATES = {
    "certificates/certificate_pdf.html",
    "committee/minutes_pdf.html",
    "applications/application_form_pdf.html",
}


def test_every_page_sends_the_content_security_policy(client):
    response = client.get(reverse("certificates:verify"))
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY.split("style-src-attr")[0]


def test_no_template_served_as_html_has_an_inline_script_or_style_element():
    inline = []
    for path in TEMPLATES.rglob("*.html"):
        name = path.relative_to(TEMPLATES).as_posix()
        if name in PDF_TEMPLATES:
            continue
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or "<style" in text:
            inline.append(name)
        if re.search(r"\son[a-z]+=", text):
            inline.append(f"{name} (event handler attribute)")
    assert inline == []


def test_production_settings_send_hsts_and_secure_cookies():
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, s.DEBUG,"
        " 'titles.middleware.ContentSecurityPolicyMiddleware' in s.MIDDLEWARE)",
        DATABASE_URL=os.environ["DATABASE_URL"],
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="titles.example.cn",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "True",
        "False",
        "True",
    ]


def test_sign_in_is_limited_to_five_wrong_passwords(client):
    user = UserFactory()
    answers = [
        client.post(reverse("login"), {"username": user.username, "password": "wrong"}).status_code
        for _ in range(6)
    ]
    refused = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert answers == [200, 200, 200, 200, 429, 429]
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_objections_are_limited_per_address(settings):
    from bureau.models import PublicObjection
    from bureau.services import OBJECTIONS_PER_HOUR

    entry = on_notice([approved()], bureau_staff()).entries.get()
    client = Client(REMOTE_ADDR="198.51.100.7")
    url = reverse("bureau:objection_create", args=[entry.pk])
    data = {"real_name": "赵六", "contact": "zhao@example.cn", "statement": "论文数据存疑。"}
    answers = [client.post(url, data).status_code for _ in range(OBJECTIONS_PER_HOUR + 2)]
    assert answers == [302] * OBJECTIONS_PER_HOUR + [200, 200]
    assert PublicObjection.objects.count() == OBJECTIONS_PER_HOUR
    other = Client(REMOTE_ADDR="198.51.100.8").post(url, data)
    assert other.status_code == 302
    assert PublicObjection.objects.count() == OBJECTIONS_PER_HOUR + 1


def test_verification_is_limited_per_address():
    from certificates.models import Verification
    from certificates.verification import VERIFICATIONS_PER_MINUTE

    certificate = issued()
    client = Client(REMOTE_ADDR="198.51.100.9")
    url = reverse("certificates:verify")
    data = {"number": certificate.number, "name": "张三丰"}
    with time_machine.travel(timezone.now(), tick=False):  # all within the one-minute window
        answers = [client.get(url, data).status_code for _ in range(VERIFICATIONS_PER_MINUTE + 2)]
    assert answers == [200] * VERIFICATIONS_PER_MINUTE + [429, 429]
    assert Verification.objects.count() == VERIFICATIONS_PER_MINUTE
    assert Client(REMOTE_ADDR="198.51.100.10").get(url, data).status_code == 200
