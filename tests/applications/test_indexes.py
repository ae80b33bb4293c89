"""The queue indexes the models declare (``Meta.indexes``) are exactly the ones in the database.

They were built by plain SQL migrations (``applications/0004``, ``review/0002``) and are now
declared on the models; the migrations that took them over only renamed them. Each index found
in the database must read as PostgreSQL reads the one its declaration builds."""

import pytest
from django.db import connection

from applications.models import Application
from review.models import Assignment

pytestmark = pytest.mark.django_db


def _definition(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else ""


@pytest.mark.parametrize(
    ("model", "name"),
    [
        (Application, "application_state_updated_idx"),
        (Application, "application_agency_due_idx"),
        (Assignment, "assignment_expert_due_idx"),
    ],
)
def test_the_declared_queue_index_is_the_one_in_the_database(model, name):
    declared = next(index for index in model._meta.indexes if index.name == name)
    built = declared.clone()
    built.name = "declared_probe_idx"
    with connection.schema_editor() as editor:  # rolled back with the test's transaction
        editor.add_index(model, built)
    assert _definition(name) != ""
    assert _definition(name).replace(name, "NAME") == _definition("declared_probe_idx").replace(
        "declared_probe_idx", "NAME"
    )


def test_the_plain_sql_names_are_gone():
    for old in (
        "applications_application_state_updated",
        "applications_application_agency_due",
        "review_assignment_expert_due_active",
    ):
        assert _definition(old) == ""
