"""Issue #22: a meeting is not scheduled in the past nor opened before its day; the minutes say
when it actually took place and when they were signed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from committee import services
from committee.errors import RuleViolation
from committee.minutes import minutes_context
from tests.committee.factories import awaiting_committee, committee_of

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def schedule(committee, starts_at):
    return services.meeting_create(
        committee=committee, actor=committee.chairman, starts_at=starts_at, place="第一会议室"
    )


def test_a_meeting_in_the_past_is_refused_the_current_minute_is_not():
    committee = committee_of(1)
    with time_machine.travel(MONDAY + timedelta(seconds=30), tick=False):
        with pytest.raises(RuleViolation) as error:
            schedule(committee, MONDAY - timedelta(minutes=1))
        assert str(error.value.message) == "A meeting cannot be scheduled in the past."
        assert schedule(committee, MONDAY).starts_at == MONDAY  # typed without seconds


def test_a_meeting_opens_on_its_day_not_before():
    committee = committee_of(1)
    thursday = MONDAY + timedelta(days=3, hours=4)
    with time_machine.travel(MONDAY, tick=False):
        meeting = schedule(committee, thursday)
    with time_machine.travel(thursday - timedelta(days=1), tick=False):
        with pytest.raises(RuleViolation) as error:
            services.meeting_open(meeting=meeting, actor=committee.chairman)
        assert str(error.value.message) == (
            "The meeting can be opened on its day, 2026-03-05, not before."
        )
    # On its day, even before the hour set (members gather early).
    with time_machine.travel(thursday.replace(hour=8), tick=False):
        assert services.meeting_open(meeting=meeting, actor=committee.chairman).opened_at


def test_the_minutes_record_when_the_meeting_was_held_and_signed():
    committee = committee_of(1)
    item_application = awaiting_committee()
    with time_machine.travel(MONDAY, tick=False):
        meeting = schedule(committee, MONDAY + timedelta(days=3))
        services.agenda_add(meeting=meeting, application=item_application, actor=committee.chairman)
    held = MONDAY + timedelta(days=3, hours=5)  # 15:00, the meeting was set for 10:00
    with time_machine.travel(held, tick=False):
        services.meeting_open(meeting=meeting, actor=committee.chairman)
    with time_machine.travel(held + timedelta(hours=2), tick=False):
        services.meeting_close(meeting=meeting, actor=committee.chairman)
    with time_machine.travel(held + timedelta(days=1), tick=False):
        meeting = services.minutes_sign(meeting=meeting, actor=committee.chairman)
    html = render_to_string("committee/_minutes_body.html", minutes_context(meeting=meeting))
    assert "Held on 2026-03-05, 15:00–17:00 (scheduled for 2026-03-05 10:00)" in html
    assert "on 2026-03-06 15:00." in html  # the signature's own date


def test_the_meeting_page_offers_to_open_it_on_its_day_only():
    from tests.factories import sign_in_verified

    committee = committee_of(1)
    thursday = MONDAY + timedelta(days=3)
    with time_machine.travel(MONDAY, tick=False):
        meeting = schedule(committee, thursday)
        client = sign_in_verified(Client(), committee.chairman)
        client.cookies["django_language"] = "en"
        html = client.get(f"/committee/meetings/{meeting.pk}/").content.decode()
    assert "The meeting can be opened on its day, 2026-03-05, not before." in html
    assert "meeting-open" not in html
    with time_machine.travel(thursday, tick=False):
        client = sign_in_verified(Client(), committee.chairman)
        html = client.get(f"/committee/meetings/{meeting.pk}/").content.decode()
    assert 'class="inline meeting-open"' in html


def test_the_form_offers_no_past_day():
    from committee.forms import MeetingForm

    with time_machine.travel(MONDAY, tick=False):
        assert 'min="2026-03-02T00:00"' in str(MeetingForm()["starts_at"])
