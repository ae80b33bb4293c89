"""The pages the portal composes: the dashboard's panels and the application page."""

import pytest

from applications.enums import OPEN_STATES, ApplicationState
from applications.models import Application
from tests.applications.factories import application_in
from tests.factories import UserFactory
from titles.enums import Role

pytestmark = pytest.mark.django_db
START = '<form method="post" action="/applications/new/">'


@pytest.mark.parametrize("state", ApplicationState.values)
def test_the_start_button_shows_exactly_when_the_service_starts_one(client, state):
    applicant = UserFactory(roles=[Role.APPLICANT])
    application_in(state, applicant=applicant)
    client.force_login(applicant)
    shown = START in client.get("/dashboard/").content.decode()
    before = Application.objects.filter(applicant=applicant).count()
    client.post("/applications/new/")
    started = Application.objects.filter(applicant=applicant).count() == before + 1
    assert (state, shown) == (state, started)
    assert (state, shown) == (state, state not in OPEN_STATES)


def test_an_applicant_in_employer_review_is_not_offered_a_second_application(client):
    applicant = UserFactory(roles=[Role.APPLICANT])
    application_in(ApplicationState.EMPLOYER_REVIEW, applicant=applicant)
    client.force_login(applicant)
    page = client.get("/dashboard/").content.decode()
    assert START not in page
    assert "开始新的申报" not in page


def test_an_applicant_without_an_application_is_offered_one(client):
    applicant = UserFactory(roles=[Role.APPLICANT])
    client.force_login(applicant)
    assert START in client.get("/dashboard/").content.decode()


def test_the_withdraw_page_ends_the_panel_assignments_too(client):
    from review.enums import AssignmentStatus
    from review.models import Assignment
    from tests.review.factories import assigned, in_panel_review

    application = in_panel_review()
    assignment = assigned(application)
    client.force_login(application.applicant)
    page = client.post(
        f"/applications/{application.pk}/withdraw/",
        {"version": application.version, "confirm": "on", "reason": ""},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert "Your application has been withdrawn." in page.content.decode()
    assert Application.objects.get(pk=application.pk).state == ApplicationState.WITHDRAWN
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.WITHDRAWN


def test_the_applicant_does_not_see_who_reviews_them_staff_do(client):
    from django.test import Client as client_class

    from tests.review.factories import assigned, in_panel_review
    from tests.review.factories import staff as panel_staff

    application = in_panel_review()
    assignment = assigned(application)  # assigned (name in the reason) and confirmed (actor)
    name = assignment.expert.display_name
    client.force_login(application.applicant)
    page = client.get(f"/applications/{application.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Panel expert assigned" in html
    assert name not in html
    from tests.factories import sign_in_verified

    staff_client = sign_in_verified(client_class(), panel_staff())
    assert name in staff_client.get(f"/applications/{application.pk}/").content.decode()


# --- the application page's queries (issue #26) -------------------------------------------------


def _page_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200  # the first request's one-time reads aside
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _reader(role: str, application):
    from tests.applications.test_parties import agency_staff
    from tests.bureau.factories import bureau_staff

    return {
        "applicant": lambda: application.applicant,
        "agency": agency_staff,
        "bureau": bureau_staff,
    }[role]()


@pytest.mark.parametrize(
    ("role", "state", "expected"),
    [
        ("applicant", ApplicationState.RETURNED, 8),
        ("agency", ApplicationState.ELIGIBILITY_REVIEW, 12),
        ("bureau", ApplicationState.CERTIFIED, 12),
    ],
)
def test_the_application_page_reads_a_fixed_number_of_queries(client, role, state, expected):
    """Whoever reads it, however many applications there are: its audit events and form
    versions read once for every section, whether the reader is a party known in the first
    query (rule 5), a public notice entry's objections read only when it drew any."""
    from tests.applications.factories import add_material, add_recommender, complete_in
    from tests.factories import sign_in_verified

    application = complete_in(state)
    add_material(application, "identity_document")
    add_recommender(application, "expert")
    reader = _reader(role, application)
    if role == "applicant":
        client.force_login(reader)
    else:
        sign_in_verified(client, reader)  # staff: a second factor (one query: its device)
    url = f"/applications/{application.pk}/"
    first = _page_queries(client, url)
    for _ in range(3):  # more applications, more of everything, in every state
        complete_in(state)
    assert (first, _page_queries(client, url)) == (expected, expected)
