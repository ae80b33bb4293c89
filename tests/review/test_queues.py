"""The expert's and the staff's queues: what they list, in which order, and at what cost."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from review import selectors, services
from review.models import Assignment
from tests.factories import sign_in_verified
from tests.review.factories import assigned, complete_values, expert, in_panel_review, staff

pytestmark = pytest.mark.django_db


def as_user(client, user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return sign_in_verified(client, user)


def expert_with_assignments(due_in_days: list[int], submitted: set[int]):
    """One expert, an assignment per ``due_in_days`` (in that order); ``submitted``: indexes
    whose opinion is submitted, the others have a draft."""
    panelist, agent = expert(), staff()
    now = timezone.now()
    made = []
    for index, days in enumerate(due_in_days):
        assignment = assigned(in_panel_review(), by=agent, who=panelist)
        Assignment.objects.filter(pk=assignment.pk).update(due_at=now + timedelta(days=days))
        services.opinion_save(
            assignment=Assignment.objects.get(pk=assignment.pk),
            actor=panelist,
            values=complete_values(),
            submit=index in submitted,
        )
        made.append(assignment.pk)
    return panelist, made


def test_the_expert_queue_lists_what_is_still_to_write_first_each_part_by_due_date():
    panelist, made = expert_with_assignments([5, 1, 3, 2, 4], submitted={1, 4})
    # still to write: due in 2, 3, 5 days; then the submitted ones: due in 1, 4 days
    expected = [made[3], made[2], made[0], made[1], made[4]]
    queue = selectors.expert_queue(panelist)
    assert queue.count() == 5
    assert [a.pk for a in queue[0:5]] == expected
    # every slice, inside a part, across the boundary and past it, agrees with the whole
    for start in range(6):
        for stop in range(start, 7):
            assert [a.pk for a in queue[start:stop]] == expected[start:stop], (start, stop)


def test_released_and_replaced_assignments_are_not_listed():
    panelist, made = expert_with_assignments([1, 2], submitted=set())
    services.assignment_declare_conflict(
        assignment=Assignment.objects.get(pk=made[0]), actor=panelist, reason="曾共同发表论文"
    )
    assert [a.pk for a in selectors.expert_queue(panelist)[0:10]] == [made[1]]
    assert selectors.expert_queue(panelist).count() == 1


def test_the_expert_queue_page_shows_the_drafts_to_do_and_the_submitted_opinions_done(client):
    panelist, made = expert_with_assignments([1, 2], submitted={0})
    as_user(client, panelist)
    page = client.get(reverse("review:expert_queue")).content.decode()
    assert reverse("review:opinion", args=[made[1]]) in page
    assert reverse("review:opinion", args=[made[0]]) not in page
    assert "draft saved" in page
    page = client.get(reverse("review:expert_queue") + "?view=done").content.decode()
    assert reverse("review:opinion", args=[made[0]]) in page
    assert reverse("review:opinion", args=[made[1]]) not in page
    assert "<td>submitted</td>" in page


@pytest.mark.parametrize("page_number", [1, 2])
def test_every_page_of_the_expert_queue_takes_a_fixed_number_of_queries(
    client, django_assert_num_queries, page_number
):
    # 27 to write and 3 submitted: page 1 is the first 25 to write, page 2 the last 2 to
    # write; the 3 submitted are in the "done" view (issue #23).
    panelist, made = expert_with_assignments(list(range(30)), submitted={0, 1, 2})
    as_user(client, panelist)
    url = reverse("review:expert_queue") + f"?page={page_number}"
    client.get(url)
    # session, user, device, rounds, count, the page's ids and rows; SET and RESET of
    with django_assert_num_queries(7):
        page = client.get(url).content.decode()
    listed = [int(pk) for pk in re.findall(r'href="/review/(\d+)/"', page)]
    expected = made[3:]  # to write, by due date
    assert listed == (expected[:25] if page_number == 1 else expected[25:])
    assert f"Page {page_number} of 2" in page


def test_a_page_past_the_part_still_to_write_counts_it_once(django_assert_num_queries):
    panelist, made = expert_with_assignments([1, 2, 3], submitted={0, 1})
    queue = selectors.expert_queue(panelist)
    # the part still to write has one row: a slice starting after it counts it, then reads
    # the submitted part from the right offset
    with django_assert_num_queries(3):
        assert [a.pk for a in queue[2:3]] == [made[1]]


def test_the_panel_queue_counts_standing_experts_and_submitted_opinions_per_row():
    agent = staff()
    older, newer = in_panel_review(), in_panel_review()
    first = assigned(older, by=agent)
    assigned(older, by=agent)
    services.opinion_save(
        assignment=first, actor=first.expert, values=complete_values(), submit=True
    )
    leaving = assigned(newer, by=agent)
    services.assignment_declare_conflict(
        assignment=leaving, actor=leaving.expert, reason="曾共同承担项目"
    )
    Application.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=2))
    Application.objects.filter(pk=newer.pk).update(updated_at=timezone.now() - timedelta(days=1))
    rows = [(a.pk, a.experts_assigned, a.opinions_submitted) for a in selectors.panel_queue()]
    assert rows == [(older.pk, 2, 1), (newer.pk, 0, 0)]


def test_the_panel_queue_page_count_ignores_the_per_row_counts():
    in_panel_review()
    with CaptureQueriesContext(connection) as captured:
        assert selectors.panel_queue().count() == 1
    (query,) = captured.captured_queries
    assert "review_assignment" not in query["sql"]
