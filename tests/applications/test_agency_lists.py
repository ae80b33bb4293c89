"""The agency queue through the list kit (issue #23): search, sort, done, pages, Excel."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from openpyxl import load_workbook

from applications.enums import ApplicationState
from tests.applications.factories import application_in, organization
from tests.factories import UserFactory, sign_in_verified
from tests.review.factories import staff as agency_staff

pytestmark = pytest.mark.django_db
S = ApplicationState


def listed(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/applications/(\d+)/"', page)]


def at_agency(name: str, days: int, state=S.ELIGIBILITY_REVIEW, **fields):
    return application_in(
        state,
        applicant=UserFactory(real_name=name),
        eligibility_due_at=timezone.now() + timedelta(days=days),
        **fields,
    )


def signed_in(client, language="en"):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    staff = agency_staff()
    sign_in_verified(client, staff)
    return staff


def workbook_rows(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in book.active.iter_rows(values_only=True)]


def test_the_agency_finds_an_application_by_name_and_by_reference(client):
    wang = at_agency("王小明", 3)
    li = at_agency("李雷", 2)
    signed_in(client)
    assert listed(client.get("/agency/?q=小明").content.decode()) == [wang.pk]
    assert listed(client.get(f"/agency/?q={li.reference}").content.decode()) == [li.pk]
    assert listed(client.get(f"/agency/?q={li.pk}").content.decode()) == [li.pk]
    assert listed(client.get("/agency/?q=nobody").content.decode()) == []


def test_the_agency_sorts_by_a_column_and_back(client):
    first = at_agency("Zhang", 5)
    second = at_agency("An", 9)
    signed_in(client)
    page = client.get("/agency/").content.decode()
    assert listed(page) == [first.pk, second.pk]  # earliest due first
    page = client.get("/agency/?sort=applicant").content.decode()
    assert listed(page) == [second.pk, first.pk]
    assert 'aria-sort="ascending"' in page
    assert 'href="?sort=-applicant"' in page
    page = client.get("/agency/?sort=-applicant").content.decode()
    assert listed(page) == [first.pk, second.pk]
    # an unknown column is ignored, never an error
    assert client.get("/agency/?sort=password").status_code == 200


def test_the_done_view_shows_what_the_agency_decided(client):
    waiting = at_agency("待办", 3)
    passed = at_agency("已办", 3, S.PANEL_REVIEW)
    refused = at_agency("不符合", 3, S.INELIGIBLE)
    signed_in(client)
    assert listed(client.get("/agency/").content.decode()) == [waiting.pk]
    page = client.get("/agency/?view=done").content.decode()
    assert sorted(listed(page)) == sorted([passed.pk, refused.pk])
    page = client.get("/agency/?view=done&state=ineligible").content.decode()
    assert listed(page) == [refused.pk]


def test_pages_keep_the_filters(client):
    for days in range(30):
        at_agency(f"张{days}", days + 1)
    signed_in(client)
    page = client.get("/agency/?q=张&sort=-due").content.decode()
    assert 'href="?q=%E5%BC%A0&amp;sort=-due&amp;page=2"' in page
    second = client.get("/agency/?q=张&sort=-due&page=2").content.decode()
    assert len(listed(second)) == 5


@pytest.mark.parametrize("count", [3, 30])
def test_the_queue_and_its_export_take_the_same_queries_at_any_size(
    client, django_assert_max_num_queries, count
):
    for days in range(count):
        at_agency(f"申请人{days}", days + 1)
    signed_in(client)
    client.get("/agency/?q=申请人")
    with django_assert_max_num_queries(9):
        assert client.get("/agency/?q=申请人&sort=applicant").status_code == 200
    with django_assert_max_num_queries(9):
        rows = workbook_rows(client.get("/agency/?q=申请人&format=xlsx"))
    assert len(rows) == count + 1


def test_the_export_has_the_filtered_rows_in_the_viewers_language(client):
    org = organization(name="北京量子科技有限公司")
    chosen = at_agency("王小明", 3, employer=org)
    at_agency("李雷", 4)
    submitted = datetime(2026, 3, 2, 1, 30, tzinfo=ZoneInfo("UTC"))
    type(chosen).objects.filter(pk=chosen.pk).update(submitted_at=submitted)
    signed_in(client, "en")
    response = client.get("/agency/?q=王小明&format=xlsx")
    assert response.status_code == 200
    assert 'filename="agency-' in response["Content-Disposition"]
    rows = workbook_rows(response)
    header, row = rows[0], rows[1]
    assert len(rows) == 2
    assert header[:7] == (
        "Reference",
        "Applicant",
        "Category",
        "Discipline",
        "Organization",
        "State",
        "Review due",
    )
    values = dict(zip(header, row, strict=True))
    assert values["Reference"] == chosen.reference
    assert values["Applicant"] == "王小明"
    assert values["State"] == "Eligibility review"
    assert values["Organization"] == str(org)
    assert values["Submitted"] == datetime(2026, 3, 2, 9, 30)  # Asia/Shanghai
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    rows = workbook_rows(client.get("/agency/?q=王小明&format=xlsx"))
    assert rows[0][:2] == ("申报编号", "申报人")
    assert dict(zip(rows[0], rows[1], strict=True))["状态"] == "资格审核"


def test_only_agency_staff_export(client):
    at_agency("王小明", 3)
    client.force_login(UserFactory())
    assert client.get("/agency/?format=xlsx").status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_the_employer_queue_and_its_done_view_take_the_same_queries_at_any_size(
    client, django_assert_num_queries, count
):
    from tests.applications.test_queues import reviewer_of

    org = organization()
    for n in range(count):
        application_in(S.EMPLOYER_REVIEW, employer=org, applicant=UserFactory(real_name=f"员工{n}"))
        application_in(S.PANEL_REVIEW, employer=org)
    client.force_login(reviewer_of(org))
    for view in ("", "done"):
        client.get(f"/employer/?view={view}")
        with django_assert_num_queries(7):
            page = client.get(f"/employer/?view={view}&sort=applicant").content.decode()
        assert len(listed(page)) == count
