"""Issue #22: working days left beside every deadline in the queues."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from titles.templatetags.days_left import working_days_between, working_days_left

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def test_counts_working_days_over_the_calendar():
    # Friday Feb 13 2026 to Friday Feb 27: the adjusted Saturday Feb 14 counts, the Spring
    # Festival (Feb 15-23) does not: 14, 24, 25, 26, 27.
    assert working_days_between(at(2026, 2, 13).date(), at(2026, 2, 27).date()) == 5


@pytest.mark.parametrize(
    ("now", "due", "english", "chinese"),
    [
        (at(2026, 3, 2, 10), at(2026, 3, 6, 23, 59), "(4 working days left)", "（剩余4个工作日）"),
        (at(2026, 3, 6, 10), at(2026, 3, 6, 23, 59), "(due today)", "（今日到期）"),
        (
            at(2026, 3, 9, 10),
            at(2026, 3, 6, 23, 59),
            "(1 working day overdue)",
            "（已逾期1个工作日）",
        ),
    ],
)
def test_the_note_in_both_languages(now, due, english, chinese):
    with time_machine.travel(now, tick=False):
        with translation.override("en"):
            assert english in working_days_left(due)
        with translation.override("zh-hans"):
            assert chinese in working_days_left(due)
    assert working_days_left(None) == ""


def test_the_employer_queue_shows_the_working_days_left_of_the_notice(client):
    from tests.applications.test_employer import open_notice, submitted

    application, reviewer = submitted()
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        open_notice(application, reviewer)  # ends Monday March 9
        client.force_login(reviewer)
        html = client.get("/employer/").content.decode()
    assert '<span class="days-left">（剩余5个工作日）</span>' in html
