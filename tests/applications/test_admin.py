"""Applications in the admin (issue 21): read only, with the audit timeline, for bureau staff
behind two-factor sign-in."""

import pytest

from applications.enums import ApplicationState
from applications.models import Application
from tests.applications.factories import application_in
from tests.bureau.factories import bureau_staff
from tests.factories import UserFactory, sign_in_verified

pytestmark = pytest.mark.django_db


def test_bureau_staff_read_an_application_with_its_timeline_and_change_nothing(client):
    application = application_in(ApplicationState.EMPLOYER_REVIEW)
    staff = bureau_staff()
    sign_in_verified(client, staff)
    listing = client.get("/admin/applications/application/")
    assert listing.status_code == 200
    assert application.reference in listing.content.decode()
    page = client.get(f"/admin/applications/application/{application.pk}/change/")
    content = page.content.decode()
    assert page.status_code == 200
    assert '<section class="timeline"' in content
    assert 'name="_save"' not in content
    response = client.post(
        f"/admin/applications/application/{application.pk}/change/", {"state": "certified"}
    )
    assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).state == ApplicationState.EMPLOYER_REVIEW
    assert client.get("/admin/applications/application/add/").status_code == 403
    assert (
        client.get(f"/admin/applications/application/{application.pk}/delete/").status_code == 403
    )


def test_the_admin_needs_the_second_factor(client):
    application = application_in(ApplicationState.EMPLOYER_REVIEW)
    client.force_login(bureau_staff())
    response = client.get(f"/admin/applications/application/{application.pk}/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/setup/?next=")


def test_people_without_the_bureau_role_do_not_read_applications_in_the_admin(client):
    application = application_in(ApplicationState.EMPLOYER_REVIEW)
    sign_in_verified(client, UserFactory())
    response = client.get(f"/admin/applications/application/{application.pk}/change/")
    assert response.status_code in (302, 403)
    assert application.applicant.real_name not in response.content.decode()
