import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import IntegrityError
from django.template import Context, Template

from tests.factories import UserFactory
from titles.audit import (
    GENESIS_HASH,
    audit_action_label_register,
    audit_events_for,
    audit_hash,
    audit_record,
    audit_verify,
)
from titles.models import AuditEvent


@pytest.fixture
def chain(db):
    actor = UserFactory(real_name="王芳")
    subject = UserFactory()
    events = [
        audit_record(actor=actor, action="test.first", obj=subject, to_state="draft"),
        audit_record(
            actor=actor,
            action="test.second",
            obj=subject,
            from_state="draft",
            to_state="employer_review",
            reason="材料齐全",
        ),
        audit_record(actor=None, action="test.third", object_type="x.y", object_id="7"),
    ]
    return actor, subject, events


def test_record_links_each_event_to_the_one_before(chain):
    actor, subject, (first, second, third) = chain
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert second.hash == audit_hash(second)
    assert (second.actor, second.actor_label, second.object_type, second.object_id) == (
        actor,
        "王芳",
        "titles.user",
        str(subject.pk),
    )
    assert third.actor is None and third.actor_label == ""
    assert audit_verify() is None


@pytest.mark.parametrize(
    "statement", ["UPDATE titles_auditevent SET reason = 'x'", "DELETE FROM titles_auditevent"]
)
def test_update_or_delete_is_refused_by_the_database(chain, statement):
    with (
        pytest.raises(IntegrityError, match="audit events are append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 3


def test_orm_update_and_delete_are_refused_too(chain):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(action="test.first").update(reason="forged")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(action="test.first").delete()


def _bypass_trigger(sql: str, params: list) -> None:
    """What a database administrator could do: disable the trigger and change rows."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # triggers off (superuser only)
        cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = DEFAULT")


def test_verify_audit_reports_the_first_altered_row(chain):
    _, _, (_first, second, _third) = chain
    _bypass_trigger("UPDATE titles_auditevent SET reason = %s WHERE id = %s", ["伪造", second.pk])
    problem = audit_verify()
    assert (problem.event_id, problem.problem) == (second.pk, "its content was altered")
    with pytest.raises(CommandError, match=f"audit event {second.pk}: its content was altered"):
        call_command("verify_audit")


def test_verify_audit_reports_a_missing_row(chain):
    _, _, (_first, second, third) = chain
    _bypass_trigger("DELETE FROM titles_auditevent WHERE id = %s", [second.pk])
    problem = audit_verify()
    assert (problem.event_id, problem.problem) == (
        third.pk,
        "the event before it is missing or was altered",
    )


def test_verify_audit_on_an_intact_chain(chain, capsys):
    call_command("verify_audit")
    assert capsys.readouterr().out == "Audit trail intact: 3 event(s).\n"


def test_verify_audit_walks_in_batches(chain):
    assert audit_verify(batch_size=1) is None


def test_an_event_in_a_rolled_back_transaction_leaves_no_gap_in_the_chain(chain):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.lost", object_type="x.y", object_id="8")
        raise RuntimeError
    audit_record(actor=None, action="test.kept", object_type="x.y", object_id="9")
    assert audit_verify() is None


def test_request_ip_is_recorded(client, db):
    from titles.audit import current_ip

    token = current_ip.set("203.0.113.9")
    try:
        event = audit_record(actor=None, action="test.ip", object_type="x.y", object_id="1")
    finally:
        current_ip.reset(token)
    assert event.ip_address == "203.0.113.9"


def test_timeline_shows_events_in_order_in_chinese(chain):
    _, subject, _ = chain
    audit_action_label_register("test.second", "提交申报")
    html = Template("{% load timeline %}{% timeline obj labels %}").render(
        Context({"obj": subject, "labels": {"draft": "草稿", "employer_review": "单位审核"}})
    )
    assert "办理记录" in html
    assert html.index("test.first") < html.index("提交申报")
    assert "草稿 → 单位审核" in html
    assert "材料齐全" in html
    assert "王芳" in html
    assert [e.action for e in audit_events_for(subject)] == ["test.first", "test.second"]


def test_timeline_of_an_object_without_events(db):
    html = Template("{% load timeline %}{% timeline obj %}").render(Context({"obj": UserFactory()}))
    assert "暂无记录。" in html
