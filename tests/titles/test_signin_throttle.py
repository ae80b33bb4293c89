"""Sign-in throttling per user name across addresses (issue #27): an attacker with many
addresses, each under django-axes' limit of five, is stopped after ``SIGN_IN_CHALLENGE_AFTER``
wrong passwords for the name; the real person still signs in, from their usual browser as
always and from any other with a code from their mailbox."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, UserFactory
from titles import signin_throttle
from titles.enums import Role
from titles.models import AuditEvent, OutboxEmail, SignInThrottle
from titles.sweep import sweep_run

pytestmark = pytest.mark.django_db

WRONG_PASSWORD_ZH = "请输入一个正确的用户名和密码。"
CHALLENGE_ZH = "该用户名已在多个地点被多次输入错误密码。"
CODE_SENT_ZH = "如果该用户名对应的账户登记了电子邮箱，我们已向该邮箱发送一个 15 分钟内有效的验证码"
CODE_WRONG_ZH = "验证码不正确或已失效，请重新获取验证码。"


def from_address(number: int) -> Client:
    return Client(REMOTE_ADDR=f"203.0.113.{number}")


def sign_in(client: Client, username: str, password: str = PASSWORD, **more):
    return client.post("/accounts/login/", {"username": username, "password": password, **more})


def signed_in(client: Client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def guess_from_many_addresses(username: str, count: int = 10, first: int = 1) -> None:
    """``count`` wrong passwords, each from an address of its own (axes sees one per address)."""
    for number in range(first, first + count):
        response = sign_in(from_address(number), username, f"guess-{number}")
        assert response.status_code == 200
        assert WRONG_PASSWORD_ZH in response.content.decode()


def emailed_code(user) -> str:
    body = OutboxEmail.objects.filter(to_address=user.email).latest("id").body
    return next(word for word in body.split() if word.isdigit() and len(word) == 6)


def test_guesses_from_many_addresses_are_stopped_before_the_password_is_checked():
    """Ten wrong passwords from ten addresses: the eleventh try, from yet another address and
    with the right password, is not signed in; the password was not even checked (no audit
    event, not counted), and every further guess gets the same answer."""
    user = UserFactory(username="wanghong", roles=[Role.APPLICANT])
    guess_from_many_addresses("wanghong")
    assert SignInThrottle.objects.get(username="wanghong").failures == 10
    events = list(
        AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True)
    )
    assert events.count("auth.sign_in_failed") == 10
    assert events[-1] == "auth.sign_in_challenge"

    attacker = from_address(99)
    right = sign_in(attacker, "wanghong", PASSWORD)
    wrong = sign_in(from_address(98), "wanghong", "guess-98")
    for response in (right, wrong):
        html = response.content.decode()
        assert response.status_code == 200
        assert CHALLENGE_ZH in html and 'name="code"' in html
        assert WRONG_PASSWORD_ZH not in html  # the same answer, right password or not
    assert not signed_in(attacker, user)
    assert SignInThrottle.objects.get(username="wanghong").failures == 10
    after = list(AuditEvent.objects.filter(object_id=str(user.pk)).values_list("action", flat=True))
    assert after == events


def test_the_real_person_signs_in_from_a_browser_that_signed_in_before():
    user = UserFactory(username="lihua", roles=[Role.APPLICANT])
    usual = from_address(7)
    assert sign_in(usual, "lihua").status_code == 302
    usual.post("/accounts/logout/")
    guess_from_many_addresses("lihua")
    assert signin_throttle.sign_in_challenged(username="lihua")
    response = sign_in(usual, "lihua")
    assert response.status_code == 302
    assert signed_in(usual, user)


def test_the_real_person_signs_in_from_a_new_browser_with_the_emailed_code(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(username="zhaolei", email="zhaolei@example.cn", roles=[Role.APPLICANT])
    guess_from_many_addresses("zhaolei")
    browser = from_address(50)
    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post("/accounts/login/", {"username": "zhaolei", "action": "send_code"})
    assert CODE_SENT_ZH in sent.content.decode()
    code = emailed_code(user)
    email = OutboxEmail.objects.get(to_address="zhaolei@example.cn")
    assert email.subject == "您的登录验证码"
    assert "zhaolei" in email.body and code in email.body

    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    refused = sign_in(browser, "zhaolei", PASSWORD, code=wrong)
    assert CODE_WRONG_ZH in refused.content.decode() and not signed_in(browser, user)
    # The right code with a mistyped password: a wrong password, the code still good.
    mistyped = sign_in(browser, "zhaolei", "typo", code=code)
    assert WRONG_PASSWORD_ZH in mistyped.content.decode()
    assert sign_in(browser, "zhaolei", PASSWORD, code=code).status_code == 302
    assert signed_in(browser, user)
    throttle = SignInThrottle.objects.get(username="zhaolei")
    assert (throttle.code_hash, throttle.code_expires_at) == ("", None)  # spent
    # That browser is now a known one: next time it needs no code.
    browser.post("/accounts/logout/")
    assert sign_in(browser, "zhaolei").status_code == 302


def test_a_code_dies_after_five_tries_and_after_fifteen_minutes(django_capture_on_commit_callbacks):
    user = UserFactory(username="sunli", email="sunli@example.cn", roles=[Role.APPLICANT])
    guess_from_many_addresses("sunli")
    browser = from_address(60)
    with django_capture_on_commit_callbacks(execute=True):
        browser.post("/accounts/login/", {"username": "sunli", "action": "send_code"})
    code = emailed_code(user)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        sign_in(browser, "sunli", PASSWORD, code=wrong)
    assert CODE_WRONG_ZH in sign_in(browser, "sunli", PASSWORD, code=code).content.decode()
    assert not signed_in(browser, user)

    # A new code (two minutes later), then too late for it.
    sent_at = timezone.now() + timedelta(minutes=3)
    with (
        time_machine.travel(sent_at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        browser.post("/accounts/login/", {"username": "sunli", "action": "send_code"})
    code = emailed_code(user)
    with time_machine.travel(sent_at + timedelta(minutes=15), tick=False):
        late = Client(REMOTE_ADDR="203.0.113.61")
        assert CODE_WRONG_ZH in sign_in(late, "sunli", PASSWORD, code=code).content.decode()
    with time_machine.travel(sent_at + timedelta(minutes=14), tick=False):
        in_time = Client(REMOTE_ADDR="203.0.113.62")
        assert sign_in(in_time, "sunli", PASSWORD, code=code).status_code == 302


def test_codes_go_out_at_most_every_two_minutes_and_only_to_a_challenged_account(
    django_capture_on_commit_callbacks,
):
    UserFactory(username="qianfang", email="qianfang@example.cn", roles=[Role.APPLICANT])
    browser = from_address(70)

    def ask():
        with django_capture_on_commit_callbacks(execute=True):
            return browser.post("/accounts/login/", {"username": "qianfang", "action": "send_code"})

    ask()  # not challenged: nothing is sent
    assert OutboxEmail.objects.count() == 0
    guess_from_many_addresses("qianfang")
    ask()
    ask()
    assert OutboxEmail.objects.count() == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        ask()
    assert OutboxEmail.objects.count() == 2


def test_a_name_without_an_account_looks_the_same_and_gets_no_email(
    django_capture_on_commit_callbacks,
):
    guess_from_many_addresses("nobody-here")
    browser = from_address(80)
    challenged = sign_in(browser, "nobody-here", "x").content.decode()
    assert CHALLENGE_ZH in challenged
    with django_capture_on_commit_callbacks(execute=True):
        sent = browser.post("/accounts/login/", {"username": "nobody-here", "action": "send_code"})
    assert CODE_SENT_ZH in sent.content.decode()
    assert OutboxEmail.objects.count() == 0


def test_the_count_lasts_a_day_and_the_sweep_forgets_it():
    UserFactory(username="zhoujie", roles=[Role.APPLICANT])
    guess_from_many_addresses("zhoujie", count=9)
    later = timezone.now() + timedelta(hours=24)
    with time_machine.travel(later, tick=False):
        guess_from_many_addresses("zhoujie", count=1, first=20)  # a new day: counted from 1
        assert SignInThrottle.objects.get(username="zhoujie").failures == 1
        assert not signin_throttle.sign_in_challenged(username="zhoujie")
    with time_machine.travel(later + timedelta(hours=24), tick=False):
        sweep_run()
    assert not SignInThrottle.objects.filter(username="zhoujie").exists()


def test_a_forged_known_browser_cookie_is_ignored():
    user = UserFactory(username="wuming", roles=[Role.APPLICANT])
    guess_from_many_addresses("wuming")
    browser = from_address(90)
    browser.cookies[signin_throttle.KNOWN_DEVICE_COOKIE] = f"[{user.pk}]"
    assert CHALLENGE_ZH in sign_in(browser, "wuming").content.decode()
    assert not signed_in(browser, user)
