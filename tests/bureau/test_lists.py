"""The bureau's queue with the list kit (issue #23): filters, a notice of every application
that matches them across pages, and the Excel export."""

import io

import pytest
import time_machine
from django.conf import settings
from openpyxl import load_workbook

from applications.enums import ApplicationState
from applications.models import Application
from bureau.models import PublicNotice
from tests.bureau.factories import approved, bureau_staff
from tests.bureau.test_views import PUBLISHED
from tests.factories import UserFactory, sign_in_verified

pytestmark = pytest.mark.django_db


def test_the_bureau_publishes_every_application_matching_the_filter_across_pages(client):
    chosen = [approved(applicant=UserFactory(real_name=f"张{n}")) for n in range(53)]
    other = approved(applicant=UserFactory(real_name="李雷"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(PUBLISHED, tick=False):
        sign_in_verified(client, bureau_staff())
        page = client.get("/bureau/?q=张").content.decode()
        assert "all 53 applications that match the filters, on every page" in page
        posted = {"all_matching": "1", "query": "q=张", "working_days": 5, "title": ""}
        asked = client.post("/bureau/publish/", posted).content.decode()
        assert "The notice will name 53 applicants to the public" in asked  # issue #22
        assert not PublicNotice.objects.exists()
        response = client.post("/bureau/publish/", {**posted, "confirmed": "1"}, follow=True)
    assert response.status_code == 200
    notice = PublicNotice.objects.get()
    assert sorted(notice.entries.values_list("application_id", flat=True)) == sorted(
        a.pk for a in chosen
    )
    assert Application.objects.get(pk=other.pk).state == ApplicationState.BUREAU_REVIEW


def test_without_all_matching_nothing_chosen_publishes_nothing(client):
    approved()
    with time_machine.travel(PUBLISHED, tick=False):
        sign_in_verified(client, bureau_staff())
        client.post("/bureau/publish/", {"query": "", "working_days": 5, "title": ""})
    assert not PublicNotice.objects.exists()


def test_the_bureau_exports_its_queue(client):
    approved(applicant=UserFactory(real_name="王小明"))
    approved(applicant=UserFactory(real_name="李雷"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_in_verified(client, bureau_staff())
    response = client.get("/bureau/?q=王小明&format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Reference", "Applicant", "Organization")
    assert "Choose" not in rows[0]
    assert [row[1] for row in rows[1:]] == ["王小明"]
    assert rows[1][rows[0].index("Committee result")] == "No committee record"


def test_the_public_finds_and_exports_the_running_notices_disclosed_fields_only(client):
    from tests.bureau.factories import on_notice

    staff = bureau_staff()
    wang = approved(applicant=UserFactory(real_name="王小明"))
    li = approved(applicant=UserFactory(real_name="李雷"))
    on_notice([wang, li], staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/notices/?q=王小明").content.decode()
    assert "王小明" in page and "李雷" not in page
    response = client.get("/notices/?q=王小明&format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("Notice", "Ends", "Name", "Organization", "Category", "Title", "Discipline")
    assert [row[2] for row in rows[1:]] == ["王小明"]
    flat = " ".join(str(v) for row in rows for v in row)
    assert wang.applicant.email not in flat


def test_the_bureaus_done_view_lists_what_it_published_without_checkboxes(client):
    from tests.bureau.factories import on_notice

    staff = bureau_staff()
    published, waiting = approved(), approved()
    on_notice([published], staff)
    sign_in_verified(client, staff)
    todo = client.get("/bureau/").content.decode()
    assert f'id="choose-{waiting.pk}"' in todo and f"/applications/{published.pk}/" not in todo
    done = client.get("/bureau/?view=done").content.decode()
    assert f"/applications/{published.pk}/" in done and f"/applications/{waiting.pk}/" not in done
    assert 'name="applications"' not in done


def test_the_bureau_keeps_choices_across_pages_and_publishes_them_together(client):
    made = [approved() for _ in range(52)]  # 50 a page: two pages, oldest first
    first_page, second_page = made[0], made[51]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with time_machine.travel(PUBLISHED, tick=False):
        sign_in_verified(client, bureau_staff())
        response = client.post(
            "/bureau/batch/",
            {
                "applications": [first_page.pk],
                f"version_{first_page.pk}": first_page.version,
                "back": "page=2",
            },
        )
        assert response["Location"] == "/bureau/?page=2"
        page = client.get("/bureau/?page=2").content.decode()
        assert "1 application kept for this notice." in page
        assert f'<input type="hidden" name="applications" value="{first_page.pk}">' in page
        client.post(
            "/bureau/publish/",
            {
                "applications": [first_page.pk, second_page.pk],
                f"version_{first_page.pk}": first_page.version,
                f"version_{second_page.pk}": second_page.version,
                "working_days": 5,
                "title": "",
                "confirmed": "1",  # the confirmation page's answer (issue #22)
            },
        )
        notice = PublicNotice.objects.get()
        assert sorted(notice.entries.values_list("application_id", flat=True)) == sorted(
            [first_page.pk, second_page.pk]
        )
        assert "kept for this notice" not in client.get("/bureau/").content.decode()


def test_forgetting_the_kept_ones(client):
    made = [approved() for _ in range(51)]
    sign_in_verified(client, bureau_staff())
    client.post("/bureau/batch/", {"applications": [made[0].pk, "x", "999999"]})
    assert client.session["bureau_batch"] == {str(made[0].pk): made[0].version}
    client.post("/bureau/batch/", {"forget": "1"})
    assert client.session["bureau_batch"] == {}
