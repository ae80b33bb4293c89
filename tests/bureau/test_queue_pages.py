"""The bureau's queue and the public notices: rows in order, with what they show."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape

from applications.models import Application
from bureau import selectors
from tests.bureau.factories import approved, bureau_staff, on_notice
from tests.factories import sign_in_verified

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLISHED = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
DURING = PUBLISHED + timedelta(days=1)


def test_the_bureau_queue_lists_the_oldest_first_with_names_series_and_discipline():
    first, second = approved(), approved()
    Application.objects.filter(pk=second.pk).update(updated_at=timezone.now() - timedelta(days=2))
    Application.objects.filter(pk=first.pk).update(updated_at=timezone.now() - timedelta(days=1))
    client = sign_in_verified(Client(), bureau_staff())
    response = client.get("/bureau/")
    rows = [row.application for row in response.context["rows"]]
    assert [a.pk for a in rows] == [second.pk, first.pk]
    page = response.content.decode()
    with translation.override(response.context["LANGUAGE_CODE"]):
        for application in (first, second):
            application = Application.objects.get(pk=application.pk)
            for shown in (
                application.applicant.display_name,
                str(application.employer),
                str(application.title_series),
                str(application.discipline),
                f'name="version_{application.pk}" value="{application.version}"',
            ):
                assert escape(shown) in page or shown in page, shown


def test_the_public_notice_page_discloses_the_same_entries_in_the_same_order():
    staff = bureau_staff()
    with time_machine.travel(PUBLISHED, tick=False):
        on_notice([approved() for _ in range(3)], staff)
        on_notice([approved() for _ in range(2)], staff)
    with time_machine.travel(DURING, tick=False):
        now = timezone.now()
        running = selectors.public_notices_running(now=now)
        page, notices = selectors.public_notices_page(now=now, page_number=1)
    assert page.paginator.count == 5
    assert [(n.pk, n.entries) for n in notices] == [(n.pk, n.entries) for n in running]
