import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from titles import sweep
from titles.tasks import task_sweep_deadlines


@pytest.fixture
def one_shot_sweeper():
    """A sweeper with one thing due: the first pass changes it, later passes find nothing."""
    due = ["application 42: internal_notice -> notice_passed"]

    def run(now):
        changes = list(due)
        due.clear()
        return changes

    sweep._SWEEPERS.append(("test-one-shot", run))
    yield
    sweep._SWEEPERS.remove(("test-one-shot", run))


@pytest.mark.django_db
def test_sweep_task_twice_changes_once(one_shot_sweeper):
    assert task_sweep_deadlines() == {
        "ran": True,
        "changes": ["application 42: internal_notice -> notice_passed"],
    }
    assert task_sweep_deadlines() == {"ran": True, "changes": []}


@pytest.mark.django_db
def test_sweep_command_prints_changes(one_shot_sweeper, capsys):
    call_command("sweep_deadlines")
    assert capsys.readouterr().out == (
        "application 42: internal_notice -> notice_passed\n1 change(s).\n"
    )
    call_command("sweep_deadlines")
    assert capsys.readouterr().out == "0 change(s).\n"


@pytest.mark.django_db
def test_sweep_while_another_runs_does_nothing(one_shot_sweeper):
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params["dbname"] = connection.settings_dict["NAME"]
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [sweep.SWEEP_LOCK_KEY])
        assert sweep.sweep_run() == sweep.SweepResult(ran=False, changes=[])
        other.execute("SELECT pg_advisory_unlock(%s)", [sweep.SWEEP_LOCK_KEY])
    assert sweep.sweep_run().changes == ["application 42: internal_notice -> notice_passed"]


def test_registering_a_sweeper_twice_keeps_one():
    def noop(now):
        return []

    before = list(sweep._SWEEPERS)
    sweep.sweeper("test-noop")(noop)
    sweep.sweeper("test-noop")(noop)
    try:
        assert sweep.registered_sweepers().count("test-noop") == 1
    finally:
        sweep._SWEEPERS[:] = before
