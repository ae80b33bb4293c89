import pytest
from django.contrib.auth.models import Group

from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_home_is_in_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "高级职称评价" in html
    assert "五个阶段" in html
    assert "English" in html  # the switch offers the other language


@pytest.mark.django_db
def test_language_switch_turns_the_page_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "The five stages" in html
    assert "中文" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "五个阶段" in client.get("/").content.decode()


@pytest.mark.django_db
def test_language_switch_refuses_a_foreign_next_url(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_dashboard_needs_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/dashboard/"


@pytest.mark.django_db
def test_sign_in_shows_the_dashboard_and_sign_out_leaves(client):
    user = UserFactory(username="zhang", real_name="张明", roles=["applicant"])
    response = client.post("/accounts/login/", {"username": "zhang", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    html = client.get("/dashboard/").content.decode()
    assert "欢迎，张明。" in html
    assert user.groups.get() == Group.objects.get(name="applicant")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 302


@pytest.mark.django_db
def test_sign_in_with_a_wrong_password_says_so_in_chinese(client):
    UserFactory(username="zhang")
    response = client.post("/accounts/login/", {"username": "zhang", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码。" in response.content.decode()


@pytest.mark.django_db
def test_static_css_is_served(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert b"--red" in b"".join(response.streaming_content)


@pytest.mark.django_db
def test_a_missing_page_is_a_friendly_404_in_chinese(client):
    response = client.get("/applications/999999/")
    assert response.status_code == 302  # sign in first
    client.force_login(UserFactory())
    response = client.get("/applications/999999/")
    assert response.status_code == 404
    assert "该页面不存在，或您无权查看。" in response.content.decode()
