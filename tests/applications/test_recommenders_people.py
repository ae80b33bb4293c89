"""Issue 22 (part B): recommenders as they meet the pages, and the applicant's view of them."""

import pytest
from django.conf import settings
from django.test import Client

from applications import services
from applications.enums import RecommenderKind, RecommenderStatus
from applications.models import Recommender
from applications.selectors import application_missing_items
from applications.services import recommender_token
from tests.applications.factories import ApplicationFactory, add_recommender
from titles.models import Notification, OutboxEmail

pytestmark = pytest.mark.django_db


def _code_from_outbox(recommender) -> str:
    body = OutboxEmail.objects.filter(to_address=recommender.email).latest("id").body
    return next(w for w in body.replace("：", " ").split() if w.isdigit() and len(w) == 6)


def _confirmed(recommender) -> tuple[Client, str]:
    browser = Client()
    url = f"/recommend/{recommender_token(recommender)}/"
    browser.post(url, {"action": "send_code"})
    browser.post(url, {"action": "verify", "code": _code_from_outbox(recommender)})
    return browser, url


def test_the_head_is_not_asked_for_an_experts_title_and_certificate():
    application = ApplicationFactory()
    head = add_recommender(application, RecommenderKind.HEAD, responded=False)
    browser, url = _confirmed(head)
    page = browser.get(url).content.decode()
    assert 'value="respond"' in page
    assert 'name="senior_title"' not in page and 'name="title_certificate_number"' not in page
    answer = {"action": "respond", "field": "管理", "opinion": "同意推荐。"}
    assert browser.post(url, answer).status_code == 302
    head.refresh_from_db()
    assert (head.status, head.senior_title, head.title_certificate_number) == (
        RecommenderStatus.RESPONDED,
        "",
        "",
    )
    assert "负责人推荐人" not in " ".join(
        str(item) for item in application_missing_items(application)
    )


def test_an_expert_is_still_asked_for_title_and_certificate():
    application = ApplicationFactory()
    expert = add_recommender(application, RecommenderKind.EXPERT, responded=False)
    browser, url = _confirmed(expert)
    page = browser.get(url).content.decode()
    assert 'name="senior_title"' in page and 'name="title_certificate_number"' in page


def test_the_invitation_goes_out_in_the_language_chosen_for_that_person(client):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    client.post(
        f"/applications/{application.pk}/edit/recommenders/",
        {
            "kind": "expert",
            "name": "Prof. Smith",
            "email": "smith@example.org",
            "organization_name": "MIT",
            "stated_title": "Professor",
            "language": "en",
        },
    )
    recommender = Recommender.objects.get(email="smith@example.org")
    assert recommender.language == "en"
    invitation = OutboxEmail.objects.get(to_address="smith@example.org")
    assert invitation.subject.endswith(
        "asks for your recommendation for a senior professional title"
    )
    services.recommender_send_code(recommender=recommender)
    code = OutboxEmail.objects.filter(to_address="smith@example.org").latest("id")
    assert code.subject == "Your confirmation code"


def test_a_recommender_can_decline_and_the_applicant_is_told(client):
    application = ApplicationFactory()
    expert = add_recommender(application, RecommenderKind.EXPERT, responded=False)
    url = f"/recommend/{recommender_token(expert)}/"
    page = Client().get(url).content.decode()
    assert 'value="decline"' in page
    response = Client().post(url, {"action": "decline", "reason": "研究方向不同"}, follow=True)
    assert "您已谢绝" in response.content.decode()
    expert.refresh_from_db()
    assert (expert.status, expert.decline_reason) == (RecommenderStatus.DECLINED, "研究方向不同")
    notice = Notification.objects.get(recipient=application.applicant)
    assert (notice.kind, notice.context["recommender"]) == ("recommendation_declined", expert.name)
    # Declining again changes nothing; a code or a recommendation is refused.
    assert 'value="respond"' not in Client().get(url).content.decode()
    # The applicant sees it and is asked to replace them.
    client.force_login(application.applicant)
    html = client.get(f"/applications/{application.pk}/edit/recommenders/").content.decode()
    assert "研究方向不同" in html and "请另请他人" in html
    missing = [str(item) for item in application_missing_items(application)]
    assert f"{expert.name}已谢绝推荐，请更换。" in missing


def test_an_expert_title_below_the_level_sought_is_flagged(client):
    application = ApplicationFactory(level="full_senior")
    expert = add_recommender(application, RecommenderKind.EXPERT)
    expert.senior_title_level = "deputy_senior"
    expert.save(update_fields=["senior_title_level"])
    client.force_login(application.applicant)
    html = client.get(f"/applications/{application.pk}/edit/recommenders/").content.decode()
    assert "低于您申报的级别" in html
    expert.senior_title_level = "full_senior"
    expert.save(update_fields=["senior_title_level"])
    html = client.get(f"/applications/{application.pk}/edit/recommenders/").content.decode()
    assert "低于您申报的级别" not in html


def test_the_recommenders_page_speaks_the_invitations_language():
    application = ApplicationFactory()
    expert = add_recommender(application, RecommenderKind.EXPERT, responded=False)
    expert.language = "en"
    expert.save(update_fields=["language"])
    url = f"/recommend/{recommender_token(expert)}/"
    assert "Send me a code" in Client().get(url).content.decode()
    chosen = Client()
    chosen.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "Send me a code" not in chosen.get(url).content.decode()
