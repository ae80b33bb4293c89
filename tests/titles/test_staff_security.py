"""Staff security (issue #24): recovery codes, shorter two-factor sessions, limits on what sends
email, the outbox in the admin with resend, and the erasure of expired codes and links."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken

from applications.enums import RecommenderKind
from applications.errors import RuleViolation
from applications.services import recommender_send_code
from tests.applications.factories import ApplicationFactory, add_recommender, organization
from tests.factories import PASSWORD, UserFactory, sign_in_verified
from titles.enums import OrganizationKind, Role
from titles.models import AuditEvent, OutboxEmail, User
from titles.notifications import outbox_retention_sweep
from titles.people import role_grant
from titles.recovery_codes import recovery_codes_generate, recovery_codes_remaining
from titles.twofactor import totp_device_ensure

pytestmark = pytest.mark.django_db


def actions(user) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="titles.user", object_id=str(user.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def signed_in_with_password(username: str) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


# --- recovery codes ----------------------------------------------------------------------------


def test_recovery_codes_are_ten_one_time_codes_stored_only_as_hashes():
    user = UserFactory()
    codes = recovery_codes_generate(user=user)
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-7]{5}-[a-z2-7]{5}", code) for code in codes)
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {code.replace("-", "") for code in codes}
    assert recovery_codes_remaining(user=user) == 10
    again = recovery_codes_generate(user=user)
    assert recovery_codes_remaining(user=user) == 10
    assert not set(again) & set(codes)
    assert actions(user) == ["two_factor.recovery_codes_generate"] * 2


def test_a_recovery_code_signs_in_once_instead_of_the_phone():
    user = UserFactory(username="zhao", roles=[Role.BUREAU_STAFF])
    totp_device_ensure(user=user)
    codes = recovery_codes_generate(user=user)
    client = signed_in_with_password("zhao")
    verify = client.get("/accounts/2fa/verify/?next=/dashboard/")
    assert 'href="/accounts/2fa/recovery/?next=/dashboard/"' in verify.content.decode()
    assert client.get("/dashboard/")["Location"].startswith("/accounts/2fa/verify/")

    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        wrong = client.post(
            "/accounts/2fa/recovery/", {"code": "aaaaa-aaaaa", "next": "/dashboard/"}
        )
        assert "恢复码不正确或已经用过。" in wrong.content.decode()
        throttled = client.post("/accounts/2fa/recovery/", {"code": codes[3]})
        assert "验证码错误次数过多，请于" in throttled.content.decode()
        clock.move_to(start + timedelta(seconds=2))  # django-otp's wait after one wrong code
        used = client.post(
            "/accounts/2fa/recovery/", {"code": f" {codes[3].upper()} ", "next": "/dashboard/"}
        )
    assert used["Location"] == "/dashboard/"
    page = client.get("/dashboard/")
    assert page.status_code == 200
    assert "您已使用恢复码登录，还剩 9 个恢复码。" in page.content.decode()
    assert recovery_codes_remaining(user=user) == 9

    again = signed_in_with_password("zhao")
    refused = again.post("/accounts/2fa/recovery/", {"code": codes[3], "next": "/dashboard/"})
    assert "恢复码不正确或已经用过。" in refused.content.decode()
    assert again.get("/dashboard/").status_code == 302
    assert actions(user)[-5:] == [
        "auth.sign_in",
        "two_factor.recovery_code_failed",
        "two_factor.recovery_code_used",
        "auth.sign_in",
        "two_factor.recovery_code_failed",
    ]


def test_the_recovery_codes_page_makes_a_new_set_for_a_verified_person():
    user = UserFactory(roles=[Role.AGENCY_STAFF])
    client = sign_in_verified(Client(), user)
    page = client.get("/accounts/2fa/recovery-codes/")
    assert "您有 0 个未使用的恢复码。" in page.content.decode()
    made = client.post("/accounts/2fa/recovery-codes/", {"next": "/dashboard/"})
    shown = re.findall(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>", made.content.decode())
    assert len(shown) == 10
    assert recovery_codes_remaining(user=user) == 10
    # Not verified with a second factor: sent to the two-factor set-up first.
    applicant = Client()
    applicant.force_login(UserFactory())
    assert applicant.get("/accounts/2fa/recovery-codes/")["Location"] == "/accounts/2fa/setup/"


# --- the shorter session -----------------------------------------------------------------------


def test_a_two_factor_session_ends_after_eight_idle_hours_others_do_not():
    staff = UserFactory(roles=[Role.BUREAU_STAFF])
    applicant = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        staff_client = sign_in_verified(Client(), staff)
        applicant_client = Client()
        applicant_client.force_login(applicant)
        assert staff_client.get("/dashboard/").status_code == 200
        clock.move_to(start + timedelta(hours=7, minutes=59))
        assert staff_client.get("/dashboard/").status_code == 200  # active: the clock restarts
        clock.move_to(start + timedelta(hours=15, minutes=57))
        assert staff_client.get("/dashboard/").status_code == 200
        assert 8 * 3600 < staff_client.session.get_expiry_age() <= 8 * 3600 + 60
        # 8 hours and a half minute after the last page (the session row itself lives a minute
        # longer, so the sign-out is the site's, with its message).
        clock.move_to(start + timedelta(hours=23, minutes=57, seconds=30))
        out = staff_client.get("/dashboard/")
        assert out["Location"] == "/accounts/login/?next=%2Fdashboard%2F"
        page = staff_client.get(out["Location"])
        assert "您已超过 8 小时未操作，系统已自动退出登录。" in page.content.decode()
        assert applicant_client.get("/dashboard/").status_code == 200
        assert applicant_client.session.get_expiry_age() == 14 * 24 * 3600


def test_the_idle_limit_is_a_setting(settings):
    settings.TWO_FACTOR_SESSION_IDLE_SECONDS = 600
    staff = UserFactory(roles=[Role.AGENCY_STAFF])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = sign_in_verified(Client(), staff)
        client.get("/dashboard/")
        clock.move_to(start + timedelta(seconds=590))
        assert client.get("/dashboard/").status_code == 200
        clock.move_to(start + timedelta(seconds=590 + 601))
        out = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert out["Location"] == "/accounts/login/?next=%2Fdashboard%2F"


# --- limits on what sends email ----------------------------------------------------------------


def signup(client, number: int, address: str):
    return client.post(
        "/accounts/signup/",
        {
            "username": f"person{number}",
            "real_name": "李雷",
            "email": f"person{number}@example.cn",
            "password1": "a-long-pass-phrase-2026",
            "password2": "a-long-pass-phrase-2026",
        },
        REMOTE_ADDR=address,
    )


def test_sign_ups_are_limited_per_address_and_hour(settings):
    settings.SIGNUPS_PER_HOUR = 3
    statuses = [signup(Client(), n, "198.51.100.20").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    refused = signup(Client(), 9, "198.51.100.20")
    assert "过去一小时内从您的网络创建的账号过多，请稍后再试。" in refused.content.decode()
    assert not User.objects.filter(username__in=["person3", "person9"]).exists()
    assert signup(Client(), 5, "198.51.100.21").status_code == 302
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert signup(Client(), 6, "198.51.100.20").status_code == 302


def test_password_reset_emails_are_limited_per_address_and_per_email(settings):
    settings.PASSWORD_RESETS_PER_HOUR = 2
    UserFactory(email="wang@example.cn")

    def reset(email, address):
        return Client().post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)

    assert [reset("wang@example.cn", f"203.0.113.{n}").status_code for n in range(3)] == [
        302,
        302,
        429,
    ]
    assert len(mail.outbox) == 2
    # An address that never existed counts too: the answer must not tell which exist.
    assert [reset("nobody@example.cn", "203.0.113.50").status_code for _ in range(3)] == [
        302,
        302,
        429,
    ]
    refused = reset("other@example.cn", "203.0.113.50")
    assert refused.status_code == 429
    assert "请求发送的重置密码邮件过多，请一小时后再试。" in refused.content.decode()
    assert len(mail.outbox) == 2


def test_recommender_codes_are_limited_per_address_and_hour(settings):
    settings.RECOMMENDER_CODES_PER_HOUR = 2
    recommender = add_recommender(ApplicationFactory(), RecommenderKind.EXPERT, responded=False)
    recommender_send_code(recommender=recommender)
    recommender_send_code(recommender=recommender)
    with pytest.raises(RuleViolation) as refused:
        recommender_send_code(recommender=recommender)
    assert "过去一小时内已向该邮箱发送了多个验证码" in str(refused.value.message)
    assert OutboxEmail.objects.filter(kind="recommender_code").count() == 2
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        recommender_send_code(recommender=recommender)
    assert OutboxEmail.objects.filter(kind="recommender_code").count() == 3


# --- the outbox: retention and resend ----------------------------------------------------------


def bureau_staff() -> User:
    """Granted through the service: the role's group carries the admin permissions."""
    user = UserFactory()
    role_grant(
        user=user,
        role=Role.BUREAU_STAFF,
        organization=organization(OrganizationKind.MUNICIPAL_BUREAU),
        actor=None,
    )
    return User.objects.get(pk=user.pk)


def test_expired_codes_and_links_are_erased_from_the_outbox():
    application = ApplicationFactory()
    recommender = add_recommender(application, RecommenderKind.EXPERT, responded=False)
    from applications.services.recommenders import _send_invitation

    _send_invitation(recommender, reminder=False)
    recommender_send_code(recommender=recommender)
    invitation = OutboxEmail.objects.get(kind="recommender_invitation")
    code = OutboxEmail.objects.get(kind="recommender_code")
    OutboxEmail.objects.filter(pk=invitation.pk).update(status="sent")
    now = timezone.now()
    assert outbox_retention_sweep(now + timedelta(minutes=14)) == []
    assert outbox_retention_sweep(now + timedelta(minutes=16)) == [
        "outbox: 1 recommender_code email bodies erased (1 never sent)"
    ]
    code = OutboxEmail.objects.get(pk=code.pk)
    assert (code.body, code.status, code.last_error) == (
        "",
        "failed",
        "Not sent: its code or link expired first.",
    )
    assert "/recommend/" in OutboxEmail.objects.get(pk=invitation.pk).body
    later = now + timedelta(days=31)
    assert outbox_retention_sweep(later) == ["outbox: 1 recommender_invitation email bodies erased"]
    invitation = OutboxEmail.objects.get(pk=invitation.pk)
    assert (invitation.body, invitation.status, invitation.body_erased_at) == ("", "sent", later)
    assert outbox_retention_sweep(later) == []


def test_bureau_staff_see_the_outbox_and_resend_a_failed_email(
    django_capture_on_commit_callbacks,
):
    bureau = bureau_staff()
    failed = OutboxEmail.objects.create(
        to_address="li@example.cn",
        language="zh-hans",
        subject="通知",
        body="正文",
        status="failed",
        attempts=5,
        last_error="SMTPRecipientsRefused",
    )
    recommender = add_recommender(ApplicationFactory(), RecommenderKind.EXPERT, responded=False)
    recommender_send_code(recommender=recommender)
    code = OutboxEmail.objects.get(kind="recommender_code")
    client = sign_in_verified(Client(), bureau)
    listing = client.get("/admin/titles/outboxemail/", HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200
    assert "li@example.cn" in listing.content.decode()
    shown = client.get(f"/admin/titles/outboxemail/{code.pk}/change/").content.decode()
    assert "（已隐藏：其中含有仍然有效的个人验证码或链接）" in shown
    assert code.body.split("：")[-1][:6] not in shown
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            "/admin/titles/outboxemail/",
            {"action": "resend", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert "1 封邮件将重新发送。" in response.content.decode()
    failed = OutboxEmail.objects.get(pk=failed.pk)
    assert (failed.status, failed.attempts, failed.last_error) == ("pending", 0, "")
    assert len(queued) == 1
    assert AuditEvent.objects.filter(action="outbox.resend", actor=bureau).count() == 1


def test_an_erased_email_is_not_resent():
    bureau = bureau_staff()
    erased = OutboxEmail.objects.create(
        to_address="li@example.cn",
        language="zh-hans",
        subject="验证码",
        body="",
        kind="recommender_code",
        status="sent",
        body_erased_at=timezone.now(),
    )
    client = sign_in_verified(Client(), bureau)
    response = client.post(
        "/admin/titles/outboxemail/",
        {"action": "resend", "_selected_action": [erased.pk]},
        follow=True,
    )
    assert "其文本已被清除" in response.content.decode()
    assert OutboxEmail.objects.get(pk=erased.pk).status == "sent"
