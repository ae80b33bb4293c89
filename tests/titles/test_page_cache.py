"""``titles.page_cache``: a marked page comes back from the cache only while nothing at all has
been written and for the same request; anything else renders it again.

The cache works outside transactions only, so these tests commit (``transaction=True``)."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from certificates.models import Verification
from tests.factories import person_with_role
from titles.enums import Role
from titles.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(name: str = "王小明") -> tuple[Client, User]:
    user = person_with_role(Role.APPLICANT, real_name=name)
    client = Client()
    client.force_login(user)
    client.get("/dashboard/")  # the CSRF cookie the page hands out
    return client, user


@pytest.fixture
def still_clock():
    """The clock stopped: a step of ``PAGE_CACHE_SECONDS`` ending between two requests would
    give the second a new key (a test asserting a kept page would then fail now and then)."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def test_the_same_request_on_unchanged_data_is_answered_with_one_query(
    django_assert_num_queries, still_clock
):
    client, _ = signed_in()
    first = client.get("/dashboard/")
    with django_assert_num_queries(1):  # pg_current_snapshot(): no session, user or page query
        again = client.get("/dashboard/")
    assert again.status_code == 200
    assert again.content == first.content
    assert "王小明" in again.content.decode()


def test_any_write_renders_the_page_again():
    client, user = signed_in()
    assert "王小明" in client.get("/dashboard/").content.decode()
    User.objects.filter(pk=user.pk).update(real_name="王大明")
    page = client.get("/dashboard/").content.decode()
    assert "王大明" in page
    assert "王小明" not in page


def test_each_person_gets_their_own_page():
    first, _ = signed_in("王小明")
    second, _ = signed_in("李小红")
    assert "王小明" in first.get("/dashboard/").content.decode()
    page = second.get("/dashboard/").content.decode()
    assert "李小红" in page
    assert "王小明" not in page


def test_the_language_is_part_of_the_key():
    client, _ = signed_in()
    assert "我的申报" in client.get("/dashboard/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/dashboard/").content.decode()
    assert "My applications" in english
    assert "我的申报" not in english


def test_after_signing_out_the_page_is_not_served():
    client, _ = signed_in()
    assert client.get("/dashboard/").status_code == 200
    client.post("/accounts/logout/")
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_request_with_flash_messages_is_rendered(django_assert_num_queries):
    client, _ = signed_in()
    client.get("/dashboard/")
    client.cookies["messages"] = "anything"
    # no snapshot; session, user, roles, applications, and "My organizations" (the person's
    # organizations and waiting requests to join)
    with django_assert_num_queries(6):
        client.get("/dashboard/")


def test_a_new_csrf_secret_is_never_handed_to_a_second_visitor(
    django_assert_num_queries, still_clock
):
    tokens = set()
    for _ in range(3):
        response = Client().get("/notices/")
        assert response.status_code == 200
        tokens.add(response.cookies[settings.CSRF_COOKIE_NAME].value)
    assert len(tokens) == 3
    visitor = Client()
    visitor.get("/notices/")
    visitor.get("/notices/")
    with django_assert_num_queries(1):
        response = visitor.get("/notices/")
    assert response.cookies[settings.CSRF_COOKIE_NAME].value == (
        visitor.cookies[settings.CSRF_COOKIE_NAME].value
    )


def test_a_kept_page_lasts_only_page_cache_seconds(django_assert_num_queries):
    client, _ = signed_in()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        client.get("/dashboard/")
        with django_assert_num_queries(1):
            client.get("/dashboard/")
        traveller.shift(timedelta(seconds=settings.PAGE_CACHE_SECONDS))
        with django_assert_num_queries(7):
            client.get("/dashboard/")


def test_pages_not_marked_are_never_kept():
    from certificates.views import verify_number  # records every verification

    assert not getattr(verify_number, "cached_by_snapshot", False)
    client = Client()
    client.get("/verify/BJGZ-2026-000001/")
    client.get("/verify/BJGZ-2026-000001/")
    assert Verification.objects.count() == 2


def test_a_failing_cache_renders_the_page():
    client, _ = signed_in()
    with mock.patch("titles.page_cache.cache.get", side_effect=ConnectionError("Redis is down")):
        response = client.get("/dashboard/")
    assert response.status_code == 200
    assert "王小明" in response.content.decode()


def test_page_cache_seconds_zero_turns_it_off(settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    client, _ = signed_in()
    client.get("/dashboard/")
    # session, user, roles, applications, the person's organizations and requests to join
    with django_assert_num_queries(6):
        client.get("/dashboard/")


@pytest.mark.django_db(transaction=False)
def test_inside_a_transaction_nothing_is_kept(client, django_assert_num_queries):
    user = person_with_role(Role.APPLICANT)
    client.force_login(user)
    client.get("/dashboard/")
    with django_assert_num_queries(6):
        client.get("/dashboard/")
