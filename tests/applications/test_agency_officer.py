"""Agency staff assign an application to one officer (issue #23)."""

import pytest
from django.conf import settings

from applications.enums import ApplicationState
from applications.errors import NotAllowed, RuleViolation
from applications.models import Application
from applications.services import agency_officer_assign
from tests.applications.factories import application_in
from tests.factories import UserFactory, sign_in_verified
from tests.review.factories import staff as agency_staff
from titles.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_agency_staff_assign_an_officer_and_filter_their_own(client):
    application = application_in(ApplicationState.ELIGIBILITY_REVIEW)
    other = application_in(ApplicationState.ELIGIBILITY_REVIEW)
    chief, officer = agency_staff(), agency_staff()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_in_verified(client, chief)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert f'action="/agency/applications/{application.pk}/officer/"' in page
    response = client.post(
        f"/agency/applications/{application.pk}/officer/", {"officer": officer.pk}, follow=True
    )
    assert "The officer was assigned." in response.content.decode()
    assert Application.objects.get(pk=application.pk).agency_officer == officer
    event = AuditEvent.objects.get(action="applications.agency_officer_assign")
    assert event.data == {"officer": officer.pk}
    sign_in_verified(client, officer)
    page = client.get("/agency/?mine=on").content.decode()
    assert f'href="/applications/{application.pk}/"' in page
    assert f'href="/applications/{other.pk}/"' not in page


def test_only_agency_staff_are_assigned_and_only_by_agency_staff():
    application = application_in(ApplicationState.ELIGIBILITY_REVIEW)
    with pytest.raises(RuleViolation):
        agency_officer_assign(application=application, actor=agency_staff(), officer=UserFactory())
    with pytest.raises(NotAllowed):
        agency_officer_assign(application=application, actor=UserFactory(), officer=None)
    assert Application.objects.get(pk=application.pk).agency_officer is None


def test_a_bad_officer_is_a_message_not_an_error(client):
    application = application_in(ApplicationState.ELIGIBILITY_REVIEW)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    sign_in_verified(client, agency_staff())
    response = client.post(
        f"/agency/applications/{application.pk}/officer/", {"officer": "nobody"}, follow=True
    )
    assert "Choose an officer of the evaluation agency." in response.content.decode()
