import re
from binascii import unhexlify
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, UserFactory, sign_in_verified
from titles.admin_site import TwoFactorAdminSite
from titles.enums import Role
from titles.models import AuditEvent, User
from titles.twofactor import (
    ENROLMENT_SESSION_KEY,
    Gate,
    totp_device_ensure,
    totp_secret_base32,
    two_factor_gate,
    two_factor_required,
)

pytestmark = pytest.mark.django_db

WRONG_PASSWORD_ZH = "请输入一个正确的用户名和密码。"
# A moment just past: sessions made at the frozen time are still valid after it, a two-factor
# session included (it ends after 8 idle hours; 09:00 in Beijing today was too long ago by the
# evening).
NOW = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=10)

STAFF_ROLES = {
    Role.AGENCY_STAFF,
    Role.PANEL_EXPERT,
    Role.COMMITTEE_MEMBER,
    Role.COMMITTEE_CHAIRMAN,
    Role.BUREAU_STAFF,
}


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def code_for(key_hex: str, *, steps: int = 0) -> str:
    """The device's code now (time is frozen in these tests), or ``steps`` periods away."""
    return f"{totp(unhexlify(key_hex), drift=steps):06d}"


def wrong_code_for(key_hex: str) -> str:
    near = {code_for(key_hex, steps=step) for step in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(1000000) if f"{n:06d}" not in near)


def actions(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="titles.user", object_id=str(user.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- Lockout ---------------------------------------------------------------------------------


def test_five_failures_lock_out_and_the_right_password_is_then_refused(client):
    user = UserFactory(username="zhang", roles=[Role.APPLICANT])
    for attempt in range(4):
        response = sign_in(client, "zhang", "wrong")
        assert response.status_code == 200, attempt
        assert WRONG_PASSWORD_ZH in response.content.decode()

    fifth = sign_in(client, "zhang", "wrong")
    assert fifth.status_code == 429
    html = fifth.content.decode()
    assert "<h1>登录已暂时锁定</h1>" in html
    assert "您所在的网络地址已连续 5 次输错该账户的密码。" in html
    assert "请于 30 分钟后再试。" in html
    assert 'href="/accounts/password_reset/"' in html

    right = sign_in(client, "zhang")
    assert right.status_code == 429
    assert "<h1>登录已暂时锁定</h1>" in right.content.decode()
    assert client.get("/dashboard/")["Location"] == "/accounts/login/?next=/dashboard/"

    assert actions(user) == ["auth.sign_in_failed"] * 4 + ["auth.lockout", "auth.sign_in_refused"]
    events = AuditEvent.objects.filter(object_id=str(user.pk)).order_by("id")
    assert [event.data["failures"] for event in events] == [1, 2, 3, 4, 5, 6]
    assert {event.ip_address for event in events} == {"127.0.0.1"}
    assert {event.actor_id for event in events} == {None}


def test_the_locked_out_page_follows_the_language(client):
    UserFactory(username="zhang")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    for _ in range(5):
        response = sign_in(client, "zhang", "wrong")
    assert response.status_code == 429
    html = response.content.decode()
    assert "<h1>Sign-in temporarily locked</h1>" in html
    assert "Please try again in 30 minutes." in html


def test_the_lock_is_for_the_username_and_address_together(client):
    UserFactory(username="zhang")
    UserFactory(username="li")
    for _ in range(5):
        sign_in(client, "zhang", "wrong")
    assert sign_in(client, "zhang").status_code == 429
    # Another account from the same address, and the same account from another address, sign in.
    assert sign_in(client, "li")["Location"] == "/dashboard/"
    client.post("/accounts/logout/")
    assert sign_in(client, "zhang", REMOTE_ADDR="10.1.2.3")["Location"] == "/dashboard/"


def test_the_lock_ends_after_thirty_minutes(client):
    UserFactory(username="zhang")
    with time_machine.travel(NOW, tick=False) as traveller:
        for _ in range(5):
            sign_in(client, "zhang", "wrong")
        traveller.shift(timedelta(minutes=29))
        assert sign_in(client, "zhang").status_code == 429  # refused, and the wait starts again
        traveller.shift(timedelta(minutes=29))
        assert sign_in(client, "zhang").status_code == 429
        traveller.shift(timedelta(minutes=31))
        assert sign_in(client, "zhang")["Location"] == "/dashboard/"


def test_a_successful_sign_in_resets_the_count(client):
    user = UserFactory(username="zhang")
    for _ in range(4):
        sign_in(client, "zhang", "wrong")
    assert sign_in(client, "zhang")["Location"] == "/dashboard/"
    client.post("/accounts/logout/")
    for _ in range(4):
        assert sign_in(client, "zhang", "wrong").status_code == 200
    assert sign_in(client, "zhang")["Location"] == "/dashboard/"
    assert actions(user) == ["auth.sign_in_failed"] * 4 + ["auth.sign_in"] + [
        "auth.sign_in_failed"
    ] * 4 + ["auth.sign_in"]


def test_tries_for_unknown_usernames_are_not_audited(client):
    assert sign_in(client, "nobody", "wrong").status_code == 200
    assert AuditEvent.objects.count() == 0


def test_a_sign_in_is_audited_with_the_address(client):
    user = UserFactory(username="zhang")
    sign_in(client, "zhang", REMOTE_ADDR="192.0.2.7")
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id, event.object_id, event.ip_address) == (
        "auth.sign_in",
        user.pk,
        str(user.pk),
        "192.0.2.7",
    )


# --- Who needs a second factor ---------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_two_factor_is_required_for_the_staff_roles_only(client, role):
    user = UserFactory(username="person", roles=[role])
    assert two_factor_required(user) is (role in STAFF_ROLES)

    assert sign_in(client, "person")["Location"] == "/dashboard/"
    response = client.get("/dashboard/")
    if role in STAFF_ROLES:
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/setup/?next=%2Fdashboard%2F"
        assert client.get("/notifications/")["Location"] == (
            "/accounts/2fa/setup/?next=%2Fnotifications%2F"
        )
    else:
        assert response.status_code == 200
        assert "<h1>工作台</h1>" in response.content.decode()


def test_staff_and_superuser_accounts_need_two_factor_without_a_role(client):
    for fields in ({"is_staff": True}, {"is_superuser": True}):
        user = UserFactory(**fields)
        assert two_factor_required(user) is True
        client.force_login(user)
        assert client.get("/dashboard/")["Location"] == "/accounts/2fa/setup/?next=%2Fdashboard%2F"


def test_a_person_with_a_device_is_asked_for_the_code(client):
    applicant = UserFactory(username="zhang", roles=[Role.APPLICANT])
    totp_device_ensure(user=applicant)
    sign_in(client, "zhang")
    assert client.get("/dashboard/")["Location"] == "/accounts/2fa/verify/?next=%2Fdashboard%2F"


def test_a_role_granted_during_a_session_is_enforced_at_once(client):
    user = UserFactory(username="zhang", roles=[Role.APPLICANT])
    sign_in(client, "zhang")
    assert client.get("/dashboard/").status_code == 200
    Group.objects.get_or_create(name=Role.PANEL_EXPERT)[0].user_set.add(user)
    assert client.get("/dashboard/")["Location"] == "/accounts/2fa/setup/?next=%2Fdashboard%2F"
    user.groups.clear()
    assert client.get("/dashboard/").status_code == 200


def test_the_gate_costs_no_query_after_sign_in(client, django_assert_num_queries):
    user = UserFactory(username="zhang", roles=[Role.EMPLOYER_REVIEWER])
    sign_in(client, "zhang")
    with django_assert_num_queries(0):
        assert two_factor_gate(user) is Gate.OPEN


def test_an_unverified_staff_member_may_only_sign_out_and_switch_language(client):
    UserFactory(username="sun", roles=[Role.BUREAU_STAFF])
    sign_in(client, "sun")
    assert client.get("/healthz").status_code in {200, 503}
    assert client.get("/static/css/site.css").status_code == 200
    assert client.get("/accounts/2fa/setup/").status_code == 200
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert (switched.status_code, switched["Location"]) == (302, "/")
    assert client.get("/")["Location"] == "/accounts/2fa/setup/?next=%2F"
    posted = client.post("/notifications/read-all/")
    assert posted["Location"] == "/accounts/2fa/setup/"
    signed_out = client.post("/accounts/logout/")
    assert (signed_out.status_code, signed_out["Location"]) == (302, "/")
    assert client.get("/").status_code == 200


# --- Enrolment -------------------------------------------------------------------------------


def test_the_enrolment_page_shows_a_qr_code_and_the_key(client):
    UserFactory(username="sun", roles=[Role.BUREAU_STAFF])
    sign_in(client, "sun")
    response = client.get("/accounts/2fa/setup/?next=/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    key_hex = client.session[ENROLMENT_SESSION_KEY]
    secret = totp_secret_base32(key_hex)
    assert len(secret) == 32
    shown = re.search(r'<code id="totp-secret"[^>]*>([^<]+)</code>', html).group(1)
    assert shown.replace(" ", "") == secret
    assert "<h1>设置两步验证</h1>" in html
    assert '<svg width="100%" height="100%" aria-hidden="true"' in html
    qr = html.split('<div class="qr-code"')[1].split("</div>")[0]
    assert "src=" not in qr and "href=" not in qr  # drawn in the page: no image service, no CDN
    assert "北京市高级职称评价: sun" in html
    # The page keeps showing the same key until it is confirmed.
    client.get("/accounts/2fa/setup/")
    assert client.session[ENROLMENT_SESSION_KEY] == key_hex
    assert TOTPDevice.objects.count() == 0


def test_enrolment_confirms_the_device_only_with_the_right_code(client):
    user = UserFactory(username="sun", roles=[Role.BUREAU_STAFF])
    with time_machine.travel(NOW, tick=False):
        sign_in(client, "sun")
        client.get("/accounts/2fa/setup/")
        key_hex = client.session[ENROLMENT_SESSION_KEY]
        url = "/accounts/2fa/setup/"

        for bad, message in [
            ("12ab56", "请输入身份验证器应用中显示的6位验证码。"),
            ("", "请输入身份验证器应用中显示的6位验证码。"),
            (wrong_code_for(key_hex), "验证码不正确。请确认手机时间准确，并输入当前显示的验证码。"),
        ]:
            response = client.post(url, {"token": bad, "next": "/dashboard/"})
            assert response.status_code == 200
            assert message in response.content.decode()
            assert TOTPDevice.objects.count() == 0
        assert client.get("/dashboard/").status_code == 302

        code = code_for(key_hex)
        response = client.post(url, {"token": f"{code[:3]} {code[3:]}", "next": "/dashboard/"})
        assert response.status_code == 302
        # Next the recovery codes (titles.recovery_codes), then where the person was going.
        assert response["Location"] == "/accounts/2fa/recovery-codes/?next=%2Fdashboard%2F"

    device = TOTPDevice.objects.get()
    assert (device.user, device.key, device.confirmed, device.name) == (
        user,
        key_hex,
        True,
        "default",
    )
    assert ENROLMENT_SESSION_KEY not in client.session
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    html = client.get("/dashboard/").content.decode()
    assert "两步验证已设置完成。今后登录时需输入验证码。" in html
    assert actions(user) == ["auth.sign_in", "two_factor.enrol"]
    # Set up once: the page now sends the person on.
    assert client.get("/accounts/2fa/setup/")["Location"] == "/dashboard/"


def test_an_applicant_may_enrol_and_is_then_asked_at_each_sign_in(client):
    UserFactory(username="zhang", roles=[Role.APPLICANT])
    with time_machine.travel(NOW, tick=False) as traveller:
        sign_in(client, "zhang")
        client.get("/accounts/2fa/setup/")
        key_hex = client.session[ENROLMENT_SESSION_KEY]
        client.post("/accounts/2fa/setup/", {"token": code_for(key_hex)})
        client.post("/accounts/logout/")
        traveller.shift(timedelta(seconds=60))
        sign_in(client, "zhang")
        assert client.get("/dashboard/")["Location"] == (
            "/accounts/2fa/verify/?next=%2Fdashboard%2F"
        )


# --- The code at sign-in ---------------------------------------------------------------------


def test_the_code_step_refuses_wrong_codes_and_accepts_the_right_one(client):
    user = UserFactory(username="sun", roles=[Role.BUREAU_STAFF])
    device, secret = totp_device_ensure(user=user)
    assert secret == totp_secret_base32(device.key)
    url = "/accounts/2fa/verify/?next=%2Fdashboard%2F"
    with time_machine.travel(NOW, tick=False):
        sign_in(client, "sun")
        assert client.get("/dashboard/")["Location"] == url
        page = client.get(url).content.decode()
        assert "<h1>两步验证</h1>" in page
        assert "6位验证码" in page

        wrong = client.post(url, {"token": wrong_code_for(device.key), "next": "/dashboard/"})
        assert wrong.status_code == 200
        assert "验证码不正确，请输入身份验证器应用中当前显示的验证码。" in wrong.content.decode()

        # One slip costs no wait: the right code, typed at once, signs in (issue 22).
        right = client.post(url, {"token": code_for(device.key), "next": "/dashboard/"})
        assert (right.status_code, right["Location"]) == (302, "/dashboard/")
        assert client.get("/dashboard/").status_code == 200

    assert actions(user) == [
        "two_factor.enrol",
        "auth.sign_in",
        "two_factor.verify_failed",
        "two_factor.verify",
    ]


def test_a_third_wrong_code_in_a_row_makes_the_next_try_wait(client):
    user = UserFactory(username="sun", roles=[Role.BUREAU_STAFF])
    device, _ = totp_device_ensure(user=user)
    url = "/accounts/2fa/verify/?next=%2Fdashboard%2F"
    with time_machine.travel(NOW, tick=False) as traveller:
        sign_in(client, "sun")
        for _try in range(3):
            client.post(url, {"token": wrong_code_for(device.key), "next": "/dashboard/"})
        throttled = client.post(url, {"token": code_for(device.key), "next": "/dashboard/"})
        until = timezone.localtime(NOW + timedelta(seconds=4)).strftime("%H:%M:%S")
        assert f"验证码错误次数过多，请于 {until} 之后重试。" in throttled.content.decode()
        traveller.shift(timedelta(seconds=5))
        right = client.post(url, {"token": code_for(device.key), "next": "/dashboard/"})
        assert (right.status_code, right["Location"]) == (302, "/dashboard/")


def test_the_code_step_refuses_a_foreign_next_url(client):
    user = UserFactory(username="sun", roles=[Role.BUREAU_STAFF])
    device, _ = totp_device_ensure(user=user)
    with time_machine.travel(NOW, tick=False):
        sign_in(client, "sun")
        response = client.post(
            "/accounts/2fa/verify/",
            {"token": code_for(device.key), "next": "https://evil.example/"},
        )
    assert response["Location"] == "/dashboard/"


def test_the_session_key_changes_when_the_code_is_accepted(client):
    user = UserFactory(username="sun", roles=[Role.BUREAU_STAFF])
    device, _ = totp_device_ensure(user=user)
    with time_machine.travel(NOW, tick=False):
        sign_in(client, "sun")
        before = client.session.session_key
        client.post("/accounts/2fa/verify/", {"token": code_for(device.key)})
    assert client.session.session_key != before
    assert client.get("/dashboard/").status_code == 200


# --- The admin -------------------------------------------------------------------------------


def test_admin_site_is_the_two_factor_site():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    request.user.is_verified = lambda: False
    assert admin.site.has_permission(request) is False
    request.user.is_verified = lambda: True
    assert admin.site.has_permission(request) is True
    assert isinstance(admin.site._wrapped, TwoFactorAdminSite)
    assert admin.site.name == "admin"


def test_the_admin_needs_a_verified_session(client):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    anonymous = client.get("/admin/")
    assert anonymous["Location"] == "/admin/login/?next=/admin/"
    assert client.get("/admin/login/?next=/admin/")["Location"] == (
        "/accounts/login/?next=%2Fadmin%2F"
    )

    client.force_login(superuser)
    assert client.get("/admin/")["Location"] == "/accounts/2fa/setup/?next=%2Fadmin%2F"
    totp_device_ensure(user=superuser)
    assert client.get("/admin/")["Location"] == "/accounts/2fa/verify/?next=%2Fadmin%2F"

    sign_in_verified(client, superuser)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert 'href="/admin/titles/user/"' in response.content.decode()


# --- Password reset --------------------------------------------------------------------------


def reset_link(message) -> str:
    return re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)


@pytest.fixture
def site_url(settings):
    settings.SITE_URL = "http://testserver"


def test_password_reset_email_is_in_the_users_language_and_sets_a_new_password(client, site_url):
    user = UserFactory(username="zhang", real_name="张明", email="zhang@example.cn")
    page = client.get("/accounts/login/").content.decode()
    assert '<a href="/accounts/password_reset/">忘记密码？</a>' in page

    response = client.post("/accounts/password_reset/", {"email": "ZHANG@example.cn"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert "请查收邮件" in client.get(response["Location"]).content.decode()
    [message] = mail.outbox
    assert message.to == ["zhang@example.cn"]
    assert message.subject == "设置高级职称评价系统的新密码"
    assert message.body.startswith("张明，您好：")
    assert "您的用户名是：zhang" in message.body

    form_url = client.get(reset_link(message))["Location"]
    assert form_url.endswith("/set-password/")
    assert "<h1>设置新密码</h1>" in client.get(form_url).content.decode()
    done = client.post(
        form_url, {"new_password1": "Plum-blossom-2026", "new_password2": "Plum-blossom-2026"}
    )
    assert done["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password("Plum-blossom-2026")
    assert actions(user) == ["auth.password_reset"]
    # The link works once.
    used = client.get(reset_link(message), follow=True).content.decode()
    assert "此链接无效：已被使用或已过期。请重新申请。" in used


def test_password_reset_email_for_an_english_speaker_is_in_english(client, site_url):
    UserFactory(
        username="smith", real_name="John Smith", email="smith@example.cn", preferred_language="en"
    )
    client.post("/accounts/password_reset/", {"email": "smith@example.cn"})
    [message] = mail.outbox
    assert message.subject == "Set a new password for the senior title assessment"
    assert message.body.startswith("Dear John Smith,")


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.cn"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []
    bad = client.post("/accounts/password_reset/", {"email": "not an address"})
    assert bad.status_code == 200
    assert "请输入有效的电子邮箱地址。" in bad.content.decode()


def test_a_password_reset_lifts_the_lockout(client, site_url):
    UserFactory(username="zhang", email="zhang@example.cn")
    for _ in range(5):
        sign_in(client, "zhang", "wrong")
    assert sign_in(client, "zhang").status_code == 429
    client.post("/accounts/password_reset/", {"email": "zhang@example.cn"})
    form_url = client.get(reset_link(mail.outbox[0]))["Location"]
    client.post(
        form_url, {"new_password1": "Plum-blossom-2026", "new_password2": "Plum-blossom-2026"}
    )
    assert sign_in(client, "zhang", "Plum-blossom-2026")["Location"] == "/dashboard/"


# --- Demo data -------------------------------------------------------------------------------


def test_seed_demo_gives_staff_a_device_and_prints_the_same_key_twice(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out

    def keys(out: str) -> dict[str, str]:
        section = out.split("Two-factor keys")[1]
        return dict(re.findall(r"^  (\w+)\s+([A-Z2-7]{32})$", section, re.MULTILINE))

    assert keys(first) == keys(second)
    assert set(keys(first)) == {
        "agency",
        "expert",
        "expert2",
        "expert3",
        "member",
        "member2",
        "member3",
        "chairman",
        "bureau",
    }
    assert TOTPDevice.objects.filter(confirmed=True).count() == 9
    for username, secret in keys(first).items():
        device = TOTPDevice.objects.get(user__username=username)
        assert totp_secret_base32(device.key) == secret
    assert not TOTPDevice.objects.filter(user__username__in=["applicant", "employer"]).exists()
    assert User.objects.count() == 18  # eleven demo staff and applicants, seven more applicants


def test_removing_a_lost_device_in_the_admin_is_audited_and_sends_to_enrolment(client):
    bureau = UserFactory(username="root", is_superuser=True, is_staff=True)
    expert = UserFactory(username="zhao", roles=[Role.PANEL_EXPERT])
    device, _ = totp_device_ensure(user=expert)
    sign_in_verified(client, bureau)
    url = f"/admin/otp_totp/totpdevice/{device.pk}/delete/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"post": "yes"})["Location"] == "/admin/otp_totp/totpdevice/"
    assert not TOTPDevice.objects.filter(user=expert).exists()
    event = AuditEvent.objects.get(action="two_factor.device_delete")
    assert (event.actor_id, event.object_id, event.data) == (
        bureau.pk,
        str(expert.pk),
        {"device": device.pk},
    )
    client.post("/accounts/logout/")
    sign_in(client, "zhao")
    assert client.get("/dashboard/")["Location"] == "/accounts/2fa/setup/?next=%2Fdashboard%2F"


def test_until_the_code_is_entered_the_header_shows_nothing_of_the_account(client):
    user = UserFactory(username="sun", real_name="孙主任", roles=[Role.BUREAU_STAFF])
    device, _ = totp_device_ensure(user=user)
    with time_machine.travel(NOW, tick=False):
        sign_in(client, "sun")
        page = client.get("/accounts/2fa/verify/?next=%2Fdashboard%2F").content.decode()
        header = page[page.index("<header") : page.index("</header>")]
        assert "孙主任" not in header and "/dashboard/" not in header
        assert "/notifications/" not in header and "退出" in header
        client.post("/accounts/2fa/verify/", {"token": code_for(device.key), "next": "/dashboard/"})
        page = client.get("/dashboard/").content.decode()
        header = page[page.index("<header") : page.index("</header>")]
        assert "孙主任" in header and "/notifications/" in header


def test_the_person_comes_with_roles_and_unread_count_in_one_query(django_assert_num_queries):
    """The user's query is compiled once per process (issue #26) and still reads the person's
    own roles and unread notices, and nothing for an id that is no person's."""
    from titles.backends import AccountBackend
    from titles.models import Notification

    user = UserFactory(roles=[Role.AGENCY_STAFF, Role.PANEL_EXPERT])
    other = UserFactory(roles=[Role.BUREAU_STAFF])
    for recipient, read in ((user, None), (user, None), (user, timezone.now()), (other, None)):
        Notification.objects.create(recipient=recipient, kind="test", read_at=read)
    backend = AccountBackend()
    with django_assert_num_queries(1):
        loaded = backend.get_user(str(user.pk))
    assert sorted(loaded.role_name_list) == [Role.AGENCY_STAFF, Role.PANEL_EXPERT]
    assert loaded.unread_notification_count == 2
    assert (loaded.pk, loaded.username) == (user.pk, user.username)
    loaded_other = backend.get_user(other.pk)
    assert (loaded_other.role_name_list, loaded_other.unread_notification_count) == (
        [Role.BUREAU_STAFF],
        1,
    )
    assert [backend.get_user(bad) for bad in ("abc", "", None, -1, 10**12)] == [None] * 5
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None
