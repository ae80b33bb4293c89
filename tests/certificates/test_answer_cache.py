"""A verification's answer page is rendered once per visitor and answer; every verification is
still checked and recorded (``certificates.views._answer``)."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils.html import escape
from django.utils.translation import gettext

from certificates.models import Verification
from certificates.services import certificate_revoke
from tests.bureau.factories import bureau_staff
from tests.certificates.factories import issued
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text(message: str) -> str:
    return escape(gettext(message))


@pytest.fixture
def certificate():
    return issued(real_name="辛弃疾")


def visitor() -> Client:
    client = Client()
    client.get("/verify/")  # the CSRF cookie, as a browser keeps it
    assert settings.CSRF_COOKIE_NAME in client.cookies
    return client


def rendered(response) -> bool:
    return "certificates/verify.html" in [template.name for template in response.templates]


def test_the_same_answer_again_is_not_rendered_but_is_recorded(certificate):
    client = visitor()
    url = f"/verify/{certificate.number}/?s={certificate.signature}"
    first = client.get(url)
    again = client.get(url)
    assert rendered(first)
    assert not rendered(again)
    assert again.status_code == 200
    assert again.content == first.content
    assert text("Valid certificate") in again.content.decode()
    assert list(Verification.objects.values_list("method", "result")) == [
        ("qr_code", "valid"),
        ("qr_code", "valid"),
    ]
    assert again.cookies[settings.CSRF_COOKIE_NAME].value == (
        client.cookies[settings.CSRF_COOKIE_NAME].value
    )


def test_a_revocation_changes_the_answer_at_once(certificate):
    client = visitor()
    url = f"/verify/{certificate.number}/?s={certificate.signature}"
    assert text("Valid certificate") in client.get(url).content.decode()
    certificate_revoke(certificate=certificate, actor=bureau_staff(), reason="撤销")
    html = client.get(url).content.decode()
    assert text("Revoked certificate") in html
    assert text("Valid certificate") not in html


def test_the_masked_and_the_disclosed_name_are_different_answers(certificate):
    client = visitor()
    disclosed = client.get(f"/verify/{certificate.number}/?s={certificate.signature}")
    masked = client.get(f"/verify/{certificate.number}/")
    assert "辛弃疾" in disclosed.content.decode()
    assert "辛**" in masked.content.decode()
    assert "辛弃疾" not in masked.content.decode()


def test_a_visitor_without_the_csrf_cookie_gets_a_rendered_page_and_a_new_secret(certificate):
    url = f"/verify/{certificate.number}/"
    secrets = set()
    for _ in range(2):
        response = Client().get(url)
        assert rendered(response)
        secrets.add(response.cookies[settings.CSRF_COOKIE_NAME].value)
    assert len(secrets) == 2


def test_a_signed_in_visitor_is_always_rendered(certificate):
    client = visitor()
    client.force_login(UserFactory(real_name="陆游"))
    url = f"/verify/{certificate.number}/"
    for _ in range(2):
        response = client.get(url)
        assert rendered(response)
        assert "陆游" in response.content.decode()


def test_a_verification_is_one_query_to_read_and_one_to_record(
    certificate, django_assert_num_queries
):
    client = Client()
    with django_assert_num_queries(2):  # the limit's count with the certificate; the record
        response = client.get(f"/verify/{certificate.number.lower()}/")
    assert text("Valid certificate") in response.content.decode()
    with django_assert_num_queries(2):
        response = client.get("/verify/BJGZ-2026-999999/")
    assert text("Unknown certificate") in response.content.decode()
    assert list(Verification.objects.order_by("pk").values_list("number", "result")) == [
        (certificate.number, "valid"),
        ("BJGZ-2026-999999", "unknown"),
    ]
