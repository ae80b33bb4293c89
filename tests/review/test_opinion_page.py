"""Issue 22 (part B): the expert's page puts the opinion form first and hides the ID number."""

import pytest
from django.urls import reverse

from tests.factories import id_number_valid, sign_in_verified
from tests.review.factories import assigned, in_panel_review
from titles.people import person_set_id_number

pytestmark = pytest.mark.django_db


def test_the_form_comes_first_and_the_expert_does_not_see_the_id_number(client):
    application = in_panel_review()
    number = id_number_valid()
    person_set_id_number(user=application.applicant, id_number=number, actor=None)
    application.applicant.refresh_from_db()
    assignment = assigned(application)
    sign_in_verified(client, assignment.expert)
    for url in (
        reverse("review:opinion", args=[assignment.pk]),
        reverse("applications:detail", args=[application.pk]),
    ):
        page = client.get(url).content.decode()
        assert number not in page and application.applicant.id_number_masked not in page, url
        assert "居民身份证号码" not in page, url
    page = client.get(reverse("review:opinion", args=[assignment.pk])).content.decode()
    assert page.index('class="panel opinion-form"') < page.index('class="review-application"')
    assert "js/forms.js" in page  # scrolls to the first marked field after a refusal


def test_the_applicant_still_sees_their_own_number(client):
    application = in_panel_review()
    number = id_number_valid()
    person_set_id_number(user=application.applicant, id_number=number, actor=None)
    client.force_login(application.applicant)
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert number in page
