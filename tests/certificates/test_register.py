"""The certificates register for bureau staff (issue #23)."""

import io

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook

from certificates.models import Certificate, Verification
from tests.bureau.factories import bureau_staff
from tests.certificates.factories import issued
from tests.factories import UserFactory, sign_in_verified
from tests.review.factories import staff as agency_staff

pytestmark = pytest.mark.django_db


def verified(certificate, times):
    for _ in range(times):
        Verification.objects.create(
            certificate=certificate,
            verified_at=timezone.now(),
            number=certificate.number,
            client_hash="0" * 64,
            result="valid",
            method="number",
        )


def test_the_register_lists_searches_filters_and_counts_verifications(client):
    valid = issued("张三丰")
    revoked = issued("李四光")
    Certificate.objects.filter(pk=revoked.pk).update(
        revoked_at=timezone.now(), revoke_reason="材料造假"
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_in_verified(client, bureau_staff())
    page = client.get("/certificates/register/").content.decode()
    assert valid.number in page and revoked.number in page
    page = client.get("/certificates/register/?q=张三丰").content.decode()
    assert valid.number in page and revoked.number not in page
    page = client.get("/certificates/register/?state=revoked").content.decode()
    assert revoked.number in page and valid.number not in page
    response = client.get("/certificates/register/?state=revoked&format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    values = dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    assert values["Certificate number"] == revoked.number
    assert values["State"] == "Revoked"
    assert values["Reason for revocation"] == "材料造假"


@pytest.mark.parametrize("count", [1, 4])
def test_the_register_takes_the_same_queries_at_any_size(client, django_assert_num_queries, count):
    for n in range(count):
        verified(issued(f"持证人{n}"), n)
    sign_in_verified(client, bureau_staff())
    client.get("/certificates/register/")
    # session, user, device, rounds, count, the page's ids, its rows with their counts
    with django_assert_num_queries(7):
        page = client.get("/certificates/register/").content.decode()
    assert page.count("<tr>") == count + 1


def test_only_bureau_staff_see_the_register(client):
    sign_in_verified(client, agency_staff())
    assert client.get("/certificates/register/").status_code == 404
    client.force_login(UserFactory())
    assert client.get("/certificates/register/?format=xlsx").status_code == 404
