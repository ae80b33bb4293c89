"""The employer's and the agency's queues: who sees what, in which order, at a fixed cost."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import escape

from applications.enums import ApplicationState
from applications.models import Application
from tests.applications.factories import application_in, organization
from tests.factories import UserFactory, sign_in_verified
from tests.review.factories import staff as agency_staff
from titles.enums import OrganizationKind, Role
from titles.people import role_grant

pytestmark = pytest.mark.django_db
S = ApplicationState


def reviewer_of(org):
    reviewer = UserFactory(real_name="人事处李华")
    role_grant(user=reviewer, role=Role.EMPLOYER_REVIEWER, organization=org, actor=None)
    return reviewer


def waiting(days_ago: int, state: str = S.EMPLOYER_REVIEW, **fields) -> Application:
    return application_in(state, submitted_at=timezone.now() - timedelta(days=days_ago), **fields)


def listed(page: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'href="/applications/(\d+)/"', page)]


def test_the_employer_queue_lists_its_employees_and_the_freelancers_it_recommends(client):
    org, other = organization(), organization()
    association = organization(OrganizationKind.INDUSTRY_ASSOCIATION)
    reviewer = reviewer_of(org)
    role_grant(user=reviewer, role=Role.EMPLOYER_REVIEWER, organization=association, actor=None)
    employee = waiting(3, employer=org)
    freelancer = waiting(5, is_freelancer=True, employer=None, recommending_body=association)
    returned = waiting(1, S.RETURNED, employer=org)
    waiting(4, employer=other)  # another organization's
    waiting(6, employer=association, is_freelancer=True, recommending_body=other)  # theirs
    waiting(2, S.ELIGIBILITY_REVIEW, employer=org)  # no longer the employer's
    client.force_login(reviewer)
    page = client.get("/employer/").content.decode()
    assert listed(page) == [freelancer.pk, employee.pk, returned.pk]  # oldest submission first
    page = client.get("/employer/?state=returned").content.decode()
    assert listed(page) == [returned.pk]


def test_someone_reviewing_for_no_organization_sees_an_empty_queue(client):
    waiting(1)
    client.force_login(UserFactory())
    response = client.get("/employer/")
    assert response.status_code == 200
    assert listed(response.content.decode()) == []


@pytest.mark.parametrize("page_number", [1, 2])
def test_the_employer_queue_takes_a_fixed_number_of_queries(
    client, django_assert_num_queries, page_number
):
    org = organization()
    reviewer = reviewer_of(org)
    made = [waiting(days, employer=org) for days in range(30, 0, -1)]  # oldest first
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(reviewer)
    url = f"/employer/?page={page_number}"
    client.get(url)
    # session, user; the rounds (issue #23), the organizations, the count, the page's ids and rows
    with django_assert_num_queries(7):
        page = client.get(url).content.decode()
    pks = [a.pk for a in made]
    assert listed(page) == (pks[:25] if page_number == 1 else pks[25:])
    assert f"Page {page_number} of 2" in page


def agency_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_in_verified(client, agency_staff())
    return client


def test_the_agency_filter_escapes_what_an_organization_is_named(client):
    hostile = organization(name='"><script>alert(1)</script>&')
    hostile.name_en = hostile.name  # the page is in English
    hostile.save()
    agency_client(client)
    page = client.get("/agency/").content.decode()
    assert "<script>alert(1)" not in page
    assert (
        f'<option value="{hostile.pk}">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;' in page
    )


def test_the_agency_filter_offers_every_organization_and_keeps_the_choice(client):
    chosen = organization(name="北京量子科技有限公司")
    association = organization(OrganizationKind.INDUSTRY_ASSOCIATION, name="北京软件行业协会")
    mine = waiting(1, S.ELIGIBILITY_REVIEW, employer=chosen, eligibility_due_at=None)
    waiting(2, S.ELIGIBILITY_REVIEW)  # another organization's
    agency_client(client)
    with translation.override("en"):
        labels = {org.pk: escape(str(org)) for org in (chosen, association)}
    page = client.get("/agency/").content.decode()
    assert '<select name="organization" id="id_organization">' in page
    assert '<option value="" selected>All</option>' in page
    for pk, label in labels.items():
        assert f'<option value="{pk}">{label}</option>' in page
    page = client.get(f"/agency/?organization={chosen.pk}").content.decode()
    assert f'<option value="{chosen.pk}" selected>{labels[chosen.pk]}</option>' in page
    assert listed(page) == [mine.pk]
    # a value that is no organization: the form says so, and the queue is not filtered
    response = client.get("/agency/?organization=999999")
    assert response.status_code == 200
    assert len(listed(response.content.decode())) == 2


def test_the_agency_queue_lists_the_earliest_due_first_across_pages(
    client, django_assert_num_queries
):
    now = timezone.now()
    made = [
        waiting(1, S.ELIGIBILITY_REVIEW, eligibility_due_at=now + timedelta(days=days))
        for days in range(30, 0, -1)
    ]
    agency_client(client)
    client.get("/agency/?page=2")
    with django_assert_num_queries(9):  # the rounds of the round filter: one more (issue #23)
        second = client.get("/agency/?page=2").content.decode()
    first = client.get("/agency/").content.decode()
    by_due = [a.pk for a in reversed(made)]
    assert listed(first) + listed(second) == by_due


def test_the_agency_queue_marks_provisional_due_dates(client):
    """Issue #20: every deadline carries the mark while its year is provisional (the data
    covers years to 2026; 2027 is provisional until entered)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    due = datetime(2027, 3, 5, 23, 59, 59, tzinfo=ZoneInfo("Asia/Shanghai"))
    past = datetime(2026, 3, 5, 23, 59, 59, tzinfo=ZoneInfo("Asia/Shanghai"))
    provisional = application_in(S.ELIGIBILITY_REVIEW, eligibility_due_at=due)
    official = application_in(S.ELIGIBILITY_REVIEW, eligibility_due_at=past)
    sign_in_verified(client, agency_staff())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/agency/").content.decode()
    row = page.split(f'href="/applications/{provisional.pk}/"', 1)[1].split("</tr>", 1)[0]
    assert (
        '<time datetime="2027-03-05T23:59:59+08:00">2027-03-05</time> <span class="provisional"'
        in row
    )
    row = page.split(f'href="/applications/{official.pk}/"', 1)[1].split("</tr>", 1)[0]
    assert '<time datetime="2026-03-05T23:59:59+08:00">2026-03-05</time>' in row
    assert 'class="provisional"' not in row
