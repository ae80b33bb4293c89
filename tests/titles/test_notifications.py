import re
import smtplib
import time
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, transaction
from django.test import RequestFactory
from django.utils import timezone, translation

from tests.conftest import needs_redis
from tests.factories import PASSWORD, UserFactory
from titles import sweep
from titles.celery import app as celery_app
from titles.context_processors import notifications as notifications_context
from titles.models import Notification, OutboxEmail, OutboxStatus
from titles.notification_kinds import NOTIFICATION_KINDS
from titles.notifications import (
    OUTBOX_MAX_ATTEMPTS,
    OutboxSendOutcome,
    OutboxSendResult,
    email_to_address,
    notification_kind_register,
    notify,
    outbox_email_send,
    outbox_sweep,
    render_template,
)
from titles.tasks import task_send_email

FOOTER_EN = (
    "This message was sent automatically by the senior title assessment system of the Beijing "
    "Municipal Bureau of Human Resources and Social Security. Please do not reply.\n"
)
FOOTER_ZH = "本邮件由北京市人力资源和社会保障局高级职称评价认定系统自动发送，请勿直接回复。\n"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://titles.example.cn/"
    settings.DEFAULT_FROM_EMAIL = "titles@rsj.example.cn"


@pytest.fixture
def eager_celery():
    """Tasks run in the calling thread (for tests that execute on-commit callbacks)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def undeliverable(user, address="old@example.cn", url="/notifications/", **kwargs):
    return notify(
        recipient=user,
        kind="email_undeliverable",
        context={"address": address},
        url=url,
        **kwargs,
    )


# --- notify ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_notify_writes_both_rows_in_each_recipients_language(django_capture_on_commit_callbacks):
    zhang = UserFactory(email="zhang@example.cn", preferred_language="zh-hans")
    smith = UserFactory(email="smith@example.cn", preferred_language="en")
    # The writer's language does not matter.
    with translation.override("en"), django_capture_on_commit_callbacks() as callbacks:
        to_zhang = undeliverable(zhang, address="z@old.cn")
        to_smith = undeliverable(smith, address="s@old.cn")
    assert len(callbacks) == 2

    assert (to_zhang.recipient, to_zhang.kind, to_zhang.context, to_zhang.url) == (
        zhang,
        "email_undeliverable",
        {"address": "z@old.cn"},
        "/notifications/",
    )
    assert to_zhang.read_at is None
    email = OutboxEmail.objects.get(notification=to_zhang)
    assert (email.recipient, email.to_address, email.language, email.status, email.attempts) == (
        zhang,
        "zhang@example.cn",
        "zh-hans",
        OutboxStatus.PENDING,
        0,
    )
    assert email.subject == "发往 z@old.cn 的邮件未能送达"
    assert email.body == (
        "发往 z@old.cn 的邮件经多次尝试仍未能送达，请核对您账户中登记的电子邮箱地址。"
        "所有通知均可在“通知”页面查看。\n\n"
        "查看详情请访问：https://titles.example.cn/notifications/\n\n" + FOOTER_ZH
    )

    email = OutboxEmail.objects.get(notification=to_smith)
    assert (email.to_address, email.language) == ("smith@example.cn", "en")
    assert email.subject == "An email to s@old.cn could not be delivered"
    assert email.body == (
        "We could not deliver an email to s@old.cn after several attempts. Please check the "
        "email address in your account. Every notice also appears on your notifications page."
        "\n\nOpen this page to see more: https://titles.example.cn/notifications/\n\n" + FOOTER_EN
    )


@pytest.mark.django_db
def test_notify_without_email_or_address_writes_only_the_in_app_row(
    django_capture_on_commit_callbacks,
):
    with_address = UserFactory(email="li@example.cn")
    without_address = UserFactory(email="")
    inactive = UserFactory(email="gone@example.cn", is_active=False)
    with django_capture_on_commit_callbacks() as callbacks:
        undeliverable(with_address, email=False)
        undeliverable(without_address)
        undeliverable(inactive)
    assert callbacks == []
    assert Notification.objects.count() == 3
    assert OutboxEmail.objects.count() == 0


@pytest.mark.django_db
def test_a_rolled_back_notification_is_never_sent(django_capture_on_commit_callbacks, eager_celery):
    user = UserFactory(email="wang@example.cn")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        undeliverable(user)
        raise RuntimeError("the change that caused the notice failed")
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_committed_notification_is_sent_on_commit(
    django_capture_on_commit_callbacks, eager_celery
):
    user = UserFactory(email="wang@example.cn", preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            undeliverable(user)
        assert mail.outbox == []  # nothing before the commit
    assert len(callbacks) == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["wang@example.cn"], "An email to old@example.cn could not be delivered")
    ]
    assert OutboxEmail.objects.get().status == OutboxStatus.SENT


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "no_such_kind"}, "Unknown notification kind 'no_such_kind'"),
        ({"url": "https://evil.example/"}, "same-site path"),
        ({"url": "//evil.example/x"}, "same-site path"),
        ({"url": "/\\evil.example"}, "same-site path"),
        ({"url": "javascript:alert(1)"}, "same-site path"),
        ({"context": {}}, "needs 'address'"),
    ],
)
def test_notify_refuses_bad_input_and_writes_nothing(kwargs, message):
    user = UserFactory()
    arguments = {
        "recipient": user,
        "kind": "email_undeliverable",
        "context": {"address": "a@b.cn"},
        **kwargs,
    }
    with pytest.raises(ValueError, match=re.escape(message)):
        notify(**arguments)
    assert Notification.objects.count() == 0
    assert OutboxEmail.objects.count() == 0


@pytest.mark.django_db
def test_email_to_address_writes_an_outbox_row_without_a_user(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        email = email_to_address(
            to_address="expert@example.cn",
            language="zh-hans",
            kind="email_undeliverable",
            context={"address": "x@y.cn"},
        )
    assert len(callbacks) == 1
    assert (email.recipient, email.notification, email.language, email.subject) == (
        None,
        None,
        "zh-hans",
        "发往 x@y.cn 的邮件未能送达",
    )
    assert Notification.objects.count() == 0
    with pytest.raises(ValueError, match="is not an email address"):
        email_to_address(
            to_address="not-an-address", language="en", kind="email_undeliverable", context={}
        )
    assert OutboxEmail.objects.count() == 1


def test_templates_take_either_placeholder_style():
    assert render_template("Hello {name}, ref {ref}", {"name": "王芳", "ref": 7}) == (
        "Hello 王芳, ref 7"
    )
    assert render_template("Hello %(name)s", {"name": "王芳"}) == "Hello 王芳"
    assert render_template("Hello {name}", {}, strict=False) == "Hello "
    with pytest.raises(ValueError, match="needs 'name'"):
        render_template("Hello %(name)s", {})


# --- sending ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_task_run_twice_sends_one_mail(django_capture_on_commit_callbacks):
    user = UserFactory(email="zhao@example.cn", preferred_language="en")
    with django_capture_on_commit_callbacks():
        notification = undeliverable(user)
    email = notification.email

    assert task_send_email(email_id=email.pk) == "sent"
    assert task_send_email(email_id=email.pk) == "skipped"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.from_email, message.to, message.subject, message.body) == (
        "titles@rsj.example.cn",
        ["zhao@example.cn"],
        email.subject,
        email.body,
    )
    assert message.extra_headers == {"Content-Language": "en"}
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == (OutboxStatus.SENT, 1, "")
    assert email.sent_at is not None


@pytest.mark.django_db
def test_the_task_skips_an_email_that_does_not_exist():
    assert task_send_email(email_id=987654) == "skipped"
    assert mail.outbox == []


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every message (SMTP is outside the project)."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({"li@example.cn": (550, b"mailbox unavailable")})


class FlakyBackend(LocmemBackend):
    """A mail server that is down for the first two attempts, then accepts."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.mark.django_db
def test_an_smtp_failure_is_retried_then_marked_failed(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.titles.test_notifications.RefusingBackend"
    user = UserFactory(email="li@example.cn", preferred_language="en")
    with django_capture_on_commit_callbacks():
        notification = undeliverable(user, address="x@y.cn")

    # apply() runs the task and each of its retries at once, in this thread.
    result = task_send_email.apply(kwargs={"email_id": notification.email.pk})

    assert result.get() == "failed"
    email = OutboxEmail.objects.get(pk=notification.email.pk)
    assert (email.status, email.attempts, email.sent_at) == (
        OutboxStatus.FAILED,
        OUTBOX_MAX_ATTEMPTS,
        None,
    )
    assert email.last_error == (
        "SMTPRecipientsRefused: {'li@example.cn': (550, b'mailbox unavailable')}"
    )
    assert mail.outbox == []
    # The recipient learns in the application that their address does not work (no new email).
    told = Notification.objects.exclude(pk=notification.pk).get()
    assert (told.recipient, told.kind, told.context) == (
        user,
        "email_undeliverable",
        {"address": "li@example.cn"},
    )
    assert OutboxEmail.objects.count() == 1
    assert task_send_email(email_id=email.pk) == "skipped"


@pytest.mark.django_db
def test_a_failure_waits_with_backoff_and_a_later_attempt_sends(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.titles.test_notifications.FlakyBackend"
    FlakyBackend.failures_left = 2
    user = UserFactory(email="li@example.cn")
    with django_capture_on_commit_callbacks():
        email = undeliverable(user).email
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

    with time_machine.travel(start, tick=False):
        assert outbox_email_send(email_id=email.pk) == OutboxSendResult(
            OutboxSendOutcome.RETRY, retry_in=60
        )
    email.refresh_from_db()
    assert (email.status, email.attempts, email.next_attempt_at) == (
        OutboxStatus.PENDING,
        1,
        start + timedelta(seconds=60),
    )
    assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"

    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        assert outbox_email_send(email_id=email.pk).retry_in == 120
    with time_machine.travel(start + timedelta(seconds=180), tick=False):
        assert outbox_email_send(email_id=email.pk) == OutboxSendResult(OutboxSendOutcome.SENT)
    email.refresh_from_db()
    assert (email.status, email.attempts, email.sent_at) == (
        OutboxStatus.SENT,
        3,
        start + timedelta(seconds=180),
    )
    assert [m.to for m in mail.outbox] == [["li@example.cn"]]


def _other_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["dbname"] = connection.settings_dict["NAME"]
    return psycopg.connect(**params)


@pytest.mark.django_db(transaction=True)
def test_an_email_another_worker_is_sending_is_skipped():
    email = OutboxEmail.objects.create(
        to_address="li@example.cn", language="en", subject="Hello", body="Body\n"
    )
    with _other_connection() as other:  # another worker, in the middle of sending it
        other.execute("SELECT id FROM titles_outboxemail WHERE id = %s FOR UPDATE", [email.pk])
        assert task_send_email(email_id=email.pk) == "skipped"
        other.rollback()
    assert mail.outbox == []
    assert task_send_email(email_id=email.pk) == "sent"
    assert len(mail.outbox) == 1


# --- the outbox sweeper ----------------------------------------------------------------------


def test_the_outbox_sweeper_is_registered_at_startup():
    assert "outbox" in sweep.registered_sweepers()


@pytest.mark.django_db
def test_the_sweeper_queues_an_old_pending_email_again_once(
    django_capture_on_commit_callbacks, eager_celery
):
    now = timezone.now()

    def pending(age: timedelta, **fields) -> OutboxEmail:
        return OutboxEmail.objects.create(
            to_address="li@example.cn",
            language="en",
            subject=f"aged {age}",
            body="Body\n",
            created_at=now - age,
            next_attempt_at=now - age,
            **fields,
        )

    lost = pending(timedelta(minutes=5))
    young = pending(timedelta(seconds=30))  # its task may still be on its way
    pending(timedelta(minutes=5), status=OutboxStatus.SENT)
    pending(timedelta(minutes=5), status=OutboxStatus.FAILED)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert outbox_sweep(now) == [f"outbox email {lost.pk}: queued again"]
    assert len(callbacks) == 1
    assert [m.subject for m in mail.outbox] == ["aged 0:05:00"]
    lost.refresh_from_db()
    assert (lost.status, lost.attempts) == (OutboxStatus.SENT, 1)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert outbox_sweep(now) == []
    assert callbacks == []
    assert len(mail.outbox) == 1
    # Half a minute later the young one is a minute old and still pending: it goes too.
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep(now + timedelta(seconds=30)) == [
            f"outbox email {young.pk}: queued again"
        ]
    assert [m.subject for m in mail.outbox] == ["aged 0:05:00", "aged 0:00:30"]


@pytest.mark.django_db
def test_a_second_sweep_does_not_queue_an_email_again(django_capture_on_commit_callbacks):
    now = timezone.now()
    email = OutboxEmail.objects.create(
        to_address="li@example.cn",
        language="en",
        subject="s",
        body="b",
        next_attempt_at=now - timedelta(minutes=2),
    )
    with django_capture_on_commit_callbacks() as callbacks:  # the broker is down: never run
        assert outbox_sweep(now) == [f"outbox email {email.pk}: queued again"]
        assert outbox_sweep(now) == []
        # A minute later it is still pending: the next sweep queues it once more.
        assert outbox_sweep(now + timedelta(minutes=1)) == [
            f"outbox email {email.pk}: queued again"
        ]
    assert len(callbacks) == 2


# --- the pages -------------------------------------------------------------------------------


@pytest.fixture
def two_users(db):
    reader = UserFactory(username="reader", email="reader@example.cn")
    other = UserFactory(username="other", email="other@example.cn")
    return reader, other


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_list_needs_sign_in(client, db):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/notifications/"


def test_the_list_shows_only_the_users_own_notifications_newest_first(client, two_users):
    reader, other = two_users
    first = undeliverable(reader, address="first@old.cn", url="/applications/1/", email=False)
    second = undeliverable(reader, address="second@old.cn", url="", email=False)
    second.read_at = timezone.now()
    second.save()
    secret = undeliverable(other, address="secret@old.cn", email=False)

    html = signed_in(client, reader).get("/notifications/").content.decode()

    assert "secret@old.cn" not in html
    assert html.index("second@old.cn") < html.index("first@old.cn")
    assert (
        f'<li class="panel notification unread" id="notification-{first.pk}"'
        ' style="border-left: 4px solid var(--red);">'
        '\n      <span class="badge badge-unread">未读</span>'
    ) in html
    assert f'<li class="panel notification" id="notification-{second.pk}">' in html
    assert (
        f'<a href="/notifications/{first.pk}/open/" class="notification-text">'
        "发往 first@old.cn 的邮件未能送达</a>"
    ) in html
    # Opening a notice marks it read and goes where it points (issue #22).
    opened = client.get(f"/notifications/{first.pk}/open/")
    assert (opened.status_code, opened["Location"]) == (302, "/applications/1/")
    first.refresh_from_db()
    assert first.read_at is not None
    assert client.get(f"/notifications/{secret.pk}/open/").status_code == 404
    assert '<span class="notification-text">发往 second@old.cn 的邮件未能送达</span>' in html
    # Someone else's notification cannot be marked read either: 404.
    response = client.post(f"/notifications/{secret.pk}/read/")
    assert response.status_code == 404
    secret.refresh_from_db()
    assert secret.read_at is None


def test_the_text_is_rendered_in_the_viewers_language(client, two_users):
    reader, _ = two_users
    undeliverable(reader, address="a@old.cn", url="", email=False)
    client = signed_in(client, reader)
    client.cookies["django_language"] = "en"
    html = client.get("/notifications/").content.decode()
    assert '<span class="notification-text">An email to a@old.cn could not be delivered</span>' in (
        html
    )


def test_an_unsafe_stored_url_is_shown_without_a_link(client, two_users):
    reader, _ = two_users
    Notification.objects.create(
        recipient=reader,
        kind="email_undeliverable",
        context={"address": "a@old.cn"},
        url="https://evil.example/",
    )
    html = signed_in(client, reader).get("/notifications/").content.decode()
    assert "evil.example" not in html
    assert '<span class="notification-text">发往 a@old.cn 的邮件未能送达</span>' in html


def test_mark_all_as_read_marks_only_the_users_own(client, two_users):
    reader, other = two_users
    mine = [undeliverable(reader, email=False) for _ in range(3)]
    theirs = undeliverable(other, email=False)
    client = signed_in(client, reader)

    assert client.get("/notifications/read-all/").status_code == 405
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"

    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    html = client.get("/notifications/").content.decode()
    assert "全部通知已标记为已读。" in html
    assert "badge-unread" not in html
    client.post("/notifications/read-all/")
    assert "没有未读通知。" in client.get("/notifications/").content.decode()


def test_mark_one_as_read(client, two_users):
    reader, _ = two_users
    one, two = undeliverable(reader, email=False), undeliverable(reader, email=False)
    response = signed_in(client, reader).post(f"/notifications/{one.pk}/read/")
    assert response.status_code == 302
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.read_at is not None
    assert two.read_at is None


def test_the_header_shows_the_exact_unread_count(client, two_users):
    reader, other = two_users
    read, *_unread = [undeliverable(reader, email=False) for _ in range(4)]
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    undeliverable(other, email=False)  # not counted for the reader
    client = signed_in(client, reader)

    html = client.get("/dashboard/").content.decode()
    assert re.findall(
        r'<span class="badge unread-count"[^>]*title="([^"]*)">(\d+)</span>', html
    ) == [("3 条未读", "3")]
    client.post("/notifications/read-all/")
    html = client.get("/dashboard/").content.decode()
    assert '<a href="/notifications/" class="nav-notifications">通知</a>' in html
    assert "unread-count" not in html


def test_the_header_count_costs_nothing_when_signed_out(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications_context(request) == {}


@pytest.mark.parametrize("size", [3, 45])
def test_the_list_query_count_does_not_grow(client, two_users, size, django_assert_num_queries):
    reader, _ = two_users
    for number in range(size):
        undeliverable(reader, address=f"n{number}@old.cn", url=f"/applications/{number}/")
    client = signed_in(client, reader)
    # session, the user (with the header's unread count), page count, the page's rows
    with django_assert_num_queries(4):
        response = client.get("/notifications/?page=2" if size > 20 else "/notifications/")
    assert response.status_code == 200
    assert response.content.decode().count('class="notification-text"') == min(size, 20)


def test_a_bad_page_number_shows_a_page(client, two_users):
    reader, _ = two_users
    undeliverable(reader, email=False)
    for page in ["abc", "-1", "999"]:
        response = signed_in(client, reader).get(f"/notifications/?page={page}")
        assert response.status_code == 200
        assert response.content.decode().count('class="notification-text"') == 1


# --- a real worker ---------------------------------------------------------------------------


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_a_committed_notification_exactly_once():
    assert celery_app.conf.broker_url.startswith("redis://")
    user = UserFactory(email="sun@example.cn", preferred_language="en")
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        with transaction.atomic():
            notification = undeliverable(user, address="x@y.cn")
        email_id = notification.email.pk
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if OutboxEmail.objects.get(pk=email_id).status == OutboxStatus.SENT:
                break
            time.sleep(0.1)
        # Delivered twice (a redelivery, a sweep): the second run finds it sent.
        assert task_send_email.delay(email_id=email_id).get(timeout=20) == "skipped"
    email = OutboxEmail.objects.get(pk=email_id)
    assert (email.status, email.attempts) == (OutboxStatus.SENT, 1)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["sun@example.cn"], "An email to x@y.cn could not be delivered")
    ]


@pytest.fixture
def stage_kind():
    notification_kind_register(
        "test_reference_changed",
        subject="Application {reference} moved to {state}",
        body="Dear {name}, application {reference} is now {state}.",
    )
    yield "test_reference_changed"
    NOTIFICATION_KINDS.pop("test_reference_changed")


def test_a_kind_registered_by_a_stage_is_rendered_from_its_context(db, stage_kind):
    user = UserFactory(email="zhou@example.cn", preferred_language="en")
    notification = notify(
        recipient=user,
        kind=stage_kind,
        context={"reference": "BJ-2026-0001", "state": "panel review", "name": "Zhou"},
    )
    assert notification.text == "Application BJ-2026-0001 moved to panel review"
    assert notification.email.body.startswith(
        "Dear Zhou, application BJ-2026-0001 is now panel review.\n\n"
    )
    assert OutboxEmail.objects.get().subject == "Application BJ-2026-0001 moved to panel review"


def test_an_unknown_kind_shows_a_generic_text(db):
    user = UserFactory()
    notification = Notification.objects.create(recipient=user, kind="retired_kind")
    with translation.override("zh-hans"):
        assert notification.text == "通知"
    assert notification.safe_url == ""


def test_a_provisional_deadline_carries_the_mark_in_the_readers_language():
    from titles.notification_kinds import deadline_context, render_template

    context = deadline_context("due", "2027-01-05 23:59", provisional=True)
    with translation.override("en"):
        assert (
            render_template("Due by %(due)s.", context) == "Due by 2027-01-05 23:59 (provisional)."
        )
    with translation.override("zh-hans"):
        assert render_template("Due by %(due)s.", context) == "Due by 2027-01-05 23:59 （暂定）."
    official = deadline_context("due", "2026-01-05 23:59", provisional=False)
    with translation.override("en"):
        assert render_template("Due by %(due)s.", official) == "Due by 2026-01-05 23:59."
