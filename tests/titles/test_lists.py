"""The list kit (issue #23): bad query strings on every list are no error, and the export of
an empty list is a workbook with its header row."""

import io

import pytest
from django.conf import settings
from openpyxl import load_workbook

from tests.bureau.factories import bureau_staff
from tests.factories import sign_in_verified
from tests.review.factories import expert
from tests.review.factories import staff as agency_staff
from titles.lists import application_search, cell

pytestmark = pytest.mark.django_db

BAD = [
    "page=abc",
    "page=-1&sort=;DROP",
    "since=2026-13-45&until=x",
    "round=abc&state=nonsense",
    "q=" + "长" * 300,
    "view=everything&sort=-",
    "q=%00",
]
LISTS = [
    ("/agency/", agency_staff),
    ("/panel/", agency_staff),
    ("/review/", expert),
    ("/bureau/", bureau_staff),
    ("/certificates/register/", bureau_staff),
    ("/statistics/", bureau_staff),
    ("/notices/", None),
]


@pytest.mark.parametrize(("url", "person"), LISTS)
def test_bad_query_strings_are_no_error(client, url, person):
    if person is not None:
        sign_in_verified(client, person())
    for query in BAD:
        response = client.get(f"{url}?{query}")
        assert response.status_code in (200, 400), (url, query)
        # the input guard answers a NUL with 400; everything else is a page
        if "%00" not in query:
            assert response.status_code == 200, (url, query)


@pytest.mark.parametrize(("url", "person"), LISTS)
def test_an_empty_export_is_a_header_row(client, url, person):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if person is not None:
        sign_in_verified(client, person())
    response = client.get(f"{url}?format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    first = next(book.worksheets[0].iter_rows(values_only=True))
    assert all(isinstance(title, str) and title for title in first)


def test_cells_are_beijing_time_without_a_zone():
    from datetime import UTC, datetime

    assert cell(datetime(2026, 3, 1, 16, 30, 15, 999, tzinfo=UTC)) == datetime(
        2026, 3, 2, 0, 30, 15
    )
    assert cell(None) == ""
    assert cell(3) == 3


def test_search_reads_a_reference_in_any_form():
    from applications.models import Application

    queryset = Application.objects.all()
    for text in ("GJ0000123", "gj123", " 123 "):
        assert "123" in str(application_search(queryset, text).query)
