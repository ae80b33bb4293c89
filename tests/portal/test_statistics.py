"""Statistics for staff (issue #23): figures, working-day durations, who sees them, Excel."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from openpyxl import load_workbook

from applications.enums import ApplicationState
from applications.models import Application
from portal.statistics import _percentile, applications_for, statistics
from tests.applications.factories import application_in
from tests.bureau.factories import bureau_staff
from tests.factories import UserFactory, sign_in_verified
from tests.review.factories import staff as agency_staff
from titles.audit import audit_record

pytestmark = pytest.mark.django_db
S = ApplicationState
BEIJING = ZoneInfo("Asia/Shanghai")


def submitted_in(year: int, state: str, **fields) -> Application:
    application = application_in(state, **fields)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=datetime(year, 3, 2, 10, tzinfo=BEIJING)
    )
    return application


def moved(application, from_state, to_state, when):
    with time_machine.travel(when, tick=False):
        audit_record(
            actor=None,
            action="transition",
            obj=application,
            from_state=from_state,
            to_state=to_state,
        )


def test_counts_by_state_for_the_year_only():
    submitted_in(2026, S.PANEL_REVIEW)
    submitted_in(2026, S.PANEL_REVIEW)
    submitted_in(2026, S.INELIGIBLE)
    submitted_in(2025, S.PANEL_REVIEW)
    figures = statistics(applications_for(year=2026))
    assert figures.total == 3
    assert [(state, n) for state, _label, n in figures.by_state] == [
        (S.INELIGIBLE, 1),
        (S.PANEL_REVIEW, 2),
    ]


def test_stage_durations_are_working_days_median_and_90th_percentile():
    # 2026-03-02 is a Monday: the eligibility review took 4, 5 and 10 working days
    for _days, left in (
        (4, datetime(2026, 3, 6, 10)),
        (5, datetime(2026, 3, 9, 10)),
        (10, datetime(2026, 3, 16, 10)),
    ):
        application = submitted_in(2026, S.PANEL_REVIEW)
        moved(
            application,
            S.NOTICE_PASSED,
            S.ELIGIBILITY_REVIEW,
            datetime(2026, 3, 2, 9, tzinfo=BEIJING),
        )
        moved(application, S.ELIGIBILITY_REVIEW, S.PANEL_REVIEW, left.replace(tzinfo=BEIJING))
    [row] = statistics(applications_for(year=2026)).durations
    assert (row["state"], row["count"], row["median"], row["p90"]) == (
        S.ELIGIBILITY_REVIEW,
        3,
        5.0,
        10.0,
    )


def test_percentiles():
    assert _percentile([1, 2, 3, 4], 50) == 2.5
    assert _percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9.0
    assert _percentile([7], 90) == 7.0


@pytest.mark.parametrize("staff", [bureau_staff, agency_staff])
def test_bureau_and_agency_staff_see_the_page_and_export_it(client, staff):
    submitted_in(2026, S.PANEL_REVIEW)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_in_verified(client, staff())
    page = client.get("/statistics/?year=2026").content.decode()
    assert "1 application by state" in page
    assert "<svg" in page and "Panel review" in page
    response = client.get("/statistics/?year=2026&format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames[0] == "By state"
    rows = list(book["By state"].iter_rows(values_only=True))
    assert rows == [("State", "Applications"), ("Panel review", 1)]


def test_the_page_is_in_chinese_for_a_chinese_reader(client):
    submitted_in(2026, S.PANEL_REVIEW)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    sign_in_verified(client, bureau_staff())
    page = client.get("/statistics/?year=2026").content.decode()
    assert "统计" in page
    assert "Statistics" not in page


def test_nobody_else_sees_statistics(client):
    client.force_login(UserFactory())
    assert client.get("/statistics/").status_code == 404
    assert client.get("/statistics/?format=xlsx").status_code == 404


def test_a_bad_filter_is_no_error(client):
    sign_in_verified(client, bureau_staff())
    assert client.get("/statistics/?year=abc&round=x&series=9999").status_code == 200


def test_counts_by_series_and_category_in_the_viewers_language():
    from django.utils import translation

    submitted_in(2026, S.PANEL_REVIEW)
    submitted_in(2026, S.CERTIFIED)
    with translation.override("en"):
        figures = statistics(applications_for(year=2026))
        [(series, count, certified)] = figures.by_series
        assert (count, certified) == (2, 1)
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in series)
        [(category, count, certified)] = figures.by_category
        assert (category, count, certified) == ("High-level talent", 2, 1)
