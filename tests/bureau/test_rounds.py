"""Application rounds (评审年度/批次, issue #23): the bureau opens them; a submission joins the
round open that day; queues filter by round."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from applications import services as application_services
from applications.enums import ApplicationState
from applications.models import Application
from tests.applications.factories import application_in, complete_in
from tests.bureau.factories import bureau_staff
from tests.factories import sign_in_verified
from tests.review.factories import staff as agency_staff
from titles.models import Round

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


def test_the_bureau_opens_a_round_and_sees_it_listed(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_in_verified(client, bureau_staff())
    response = client.post(
        "/bureau/rounds/",
        {"year": 2026, "name": "2026年第一批", "opens_on": "2026-03-01", "closes_on": "2026-06-30"},
        follow=True,
    )
    page = response.content.decode()
    assert "The round is open." in page and "2026年第一批" in page
    made = Round.objects.get()
    assert (made.year, made.opens_on, made.closes_on) == (2026, date(2026, 3, 1), date(2026, 6, 30))


def test_a_round_that_closes_before_it_opens_is_refused(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_in_verified(client, bureau_staff())
    response = client.post(
        "/bureau/rounds/",
        {"year": 2026, "name": "倒序", "opens_on": "2026-06-30", "closes_on": "2026-03-01"},
    )
    assert response.status_code == 200
    assert "A round closes on or after the day it opens." in response.content.decode()
    assert not Round.objects.exists()


def test_only_bureau_staff_open_rounds(client):
    sign_in_verified(client, agency_staff())
    assert client.get("/bureau/rounds/").status_code == 404


def test_a_submission_joins_the_round_open_that_day():
    spring = Round.objects.create(
        year=2026, name="2026年第一批", opens_on=date(2026, 3, 1), closes_on=date(2026, 6, 30)
    )
    draft = complete_in(ApplicationState.DRAFT)
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=BEIJING), tick=False):
        application_services.application_submit(
            application=draft, actor=draft.applicant, declaration=True
        )
    assert Application.objects.get(pk=draft.pk).round == spring


def test_the_agency_queue_filters_by_round(client):
    spring = Round.objects.create(
        year=2026, name="2026年第一批", opens_on=date(2026, 3, 1), closes_on=date(2026, 6, 30)
    )
    inside = application_in(ApplicationState.ELIGIBILITY_REVIEW, round=spring)
    outside = application_in(ApplicationState.ELIGIBILITY_REVIEW)
    sign_in_verified(client, agency_staff())
    page = client.get(f"/agency/?round={spring.pk}").content.decode()
    assert f'href="/applications/{inside.pk}/"' in page
    assert f'href="/applications/{outside.pk}/"' not in page
    assert client.get("/agency/?round=abc").status_code == 200
