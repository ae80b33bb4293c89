import pytest
from django.conf import settings
from django.urls import reverse

from applications.enums import ApplicationState, MaterialSlot
from applications.models import Application
from review import services
from review.models import Assignment, Opinion
from tests.applications.factories import add_material
from tests.factories import sign_in_verified
from tests.review.factories import assigned, complete_values, expert, in_panel_review, staff

pytestmark = pytest.mark.django_db


def as_user(client, user):
    """Signed in, reading the pages in English (the catalogue's Chinese is tested elsewhere)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return sign_in_verified(client, user)


def test_an_unassigned_expert_gets_404_everywhere(client):
    application = in_panel_review()
    assignment = assigned(application)
    version = application.materials.first().versions.first()
    as_user(client, expert())
    for url in (
        reverse("review:opinion", args=[assignment.pk]),
        reverse("applications:detail", args=[application.pk]),
        reverse("applications:material_download", args=[application.pk, version.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("review:opinion_confirm", args=[assignment.pk]))
    assert response.status_code == 404


def test_the_assigned_expert_reads_everything_then_a_released_one_loses_access(client):
    application = in_panel_review()
    Application.objects.filter(pk=application.pk).update(
        employer_opinion="单位同意推荐。", eligibility_note="材料齐全。"
    )
    letter = add_material(application, MaterialSlot.OTHER, name="论文.pdf")
    assignment = assigned(application, confirmed=False)
    as_user(client, assignment.expert)
    page = client.get(reverse("review:opinion", args=[assignment.pk])).content.decode()
    for text in ("单位同意推荐。", "材料齐全。", "论文.pdf", "同意推荐。", "I confirm that"):
        assert text in page, text
    download = reverse("applications:material_download", args=[application.pk, letter.pk])
    assert client.get(download).status_code == 200
    response = client.post(
        reverse("review:opinion_conflict", args=[assignment.pk]), {"reason": "曾共同发表论文"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("review:expert_queue")
    assert client.get(reverse("review:opinion", args=[assignment.pk])).status_code == 404
    assert client.get(download).status_code == 404
    assert client.get(reverse("applications:detail", args=[application.pk])).status_code == 404


def test_the_opinion_form_says_what_is_wrong_and_keeps_nothing(client):
    assignment = assigned(in_panel_review())
    as_user(client, assignment.expert)
    url = reverse("review:opinion", args=[assignment.pk])
    data = {**complete_values(score_academic=11, justification_competence=""), "submit": "1"}
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The score is a whole number from 1 to 10." in page
    assert "Justify the score." in page
    assert not Opinion.objects.exists()
    response = client.post(url, {**complete_values(score_academic="七"), "save": "1"})
    assert "The score is a whole number from 1 to 10." in response.content.decode()
    assert not Opinion.objects.exists()


def test_draft_then_submit_then_the_page_is_read_only(client):
    assignment = assigned(in_panel_review())
    as_user(client, assignment.expert)
    url = reverse("review:opinion", args=[assignment.pk])
    client.post(url, {**complete_values(summary=""), "save": "1"})
    assert Opinion.objects.get().submitted_at is None
    client.post(url, {**complete_values(), "submit": "1"})
    assert Opinion.objects.get().submitted_at is not None
    page = client.get(url).content.decode()
    assert "it can no longer be changed" in page
    assert 'name="submit"' not in page
    response = client.post(url, {**complete_values(summary="再改"), "submit": "1"}, follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert Opinion.objects.get().summary == "同意推荐。"


def test_staff_assign_from_the_page_and_conflicted_experts_are_not_offered(client):
    application = in_panel_review()
    free, colleague = expert(real_name="王自由"), expert(real_name="李同事")
    from tests.factories import role_assignment
    from titles.enums import Role

    role_assignment(colleague, Role.PANEL_EXPERT, application.employer)
    agent = staff()
    as_user(client, agent)
    url = reverse("review:assignments", args=[application.pk])
    page = client.get(url).content.decode()
    assert "李同事" in page and "belongs to the applicant&#x27;s organization" in page
    response = client.post(url, {"expert": colleague.pk})
    assert "Choose one of the listed experts." in response.content.decode()
    assert not Assignment.objects.exists()
    response = client.post(url, {"expert": free.pk})
    assert response.status_code == 302
    assert Assignment.objects.get().expert == free


def test_non_staff_cannot_reach_the_staff_pages(client):
    application = in_panel_review()
    as_user(client, expert())
    assert client.get(reverse("review:panel_queue")).status_code == 404
    assert client.get(reverse("review:assignments", args=[application.pk])).status_code == 404


@pytest.mark.parametrize("size", [1, 6])
def test_queues_take_a_fixed_number_of_queries(client, django_assert_num_queries, size):
    agent, panelist = staff(), expert()
    for _ in range(size):
        application = in_panel_review()
        assignment = assigned(application, by=agent, who=panelist)
        services.opinion_save(
            assignment=assignment, actor=panelist, values=complete_values(), submit=False
        )
    as_user(client, panelist)
    client.get(reverse("review:expert_queue"))  # warm the session and the permission caches
    # 25 a page: one query counts them, one reads the page's ids, one its rows, one the rounds
    # (issue #23)
    with django_assert_num_queries(7):
        page = client.get(reverse("review:expert_queue")).content.decode()
    assert page.count("draft saved") == size
    as_user(client, agent)
    client.get(reverse("review:panel_queue"))
    with django_assert_num_queries(7):
        page = client.get(reverse("review:panel_queue")).content.decode()
    assert page.count("0 / 1") == size


def test_staff_see_the_panel_summary_after_completion(client):
    application = in_panel_review()
    for _ in range(3):
        assignment = assigned(application)
        services.opinion_save(
            assignment=assignment, actor=assignment.expert, values=complete_values(), submit=True
        )
    assert Application.objects.get(pk=application.pk).state == ApplicationState.COMMITTEE_REVIEW
    as_user(client, staff())
    page = client.get(reverse("applications:detail", args=[application.pk])).content.decode()
    assert "Panel summary" in page
    assert "3 experts: 3 support, 0 do not support." in page
