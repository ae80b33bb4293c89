"""Migration 0011 (issue #26): the printable forms kept by ``SubmittedForm`` become form versions,
and nothing a submission kept is lost."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from applications.enums import ApplicationState
from applications.models import FormVersion
from tests.applications.factories import application_in

BEFORE = ("applications", "0010_merge_issues_20_21_22_23")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor.loader.project_state(targets).apps if targets else None


@pytest.mark.django_db(transaction=True)
def test_the_printable_forms_kept_before_become_form_versions():
    application = application_in(
        ApplicationState.ELIGIBILITY_REVIEW, work_achievements="现在的业绩"
    )
    assert application.form_versions.count() == 1  # version 1, as the submission kept it
    employer = application.employer
    first_at = application.submitted_at - timedelta(days=30)
    second_at = timezone.now()

    old = _migrate([BEFORE])
    submitted_form = old.get_model("applications", "SubmittedForm")
    # Submission 1 has its version (its lists move onto it); submission 2 was kept only as a
    # printable form (its fields become a new version's data, related rows by their names).
    submitted_form.objects.create(
        application_id=application.pk,
        number=1,
        submitted_at=first_at,
        content={"fields": {"work_achievements": "x"}, "versions": [11, 12], "recommenders": [7]},
    )
    submitted_form.objects.create(
        application_id=application.pk,
        number=2,
        submitted_at=second_at,
        content={
            "fields": {
                "employer_id": employer.pk,
                "discipline_id": None,
                "work_achievements": "第二次提交的业绩",
            },
            "versions": [13],
            "recommenders": [8, 9],
        },
    )
    _migrate(None)

    versions = list(FormVersion.objects.filter(application=application).order_by("number"))
    assert [(v.number, v.material_versions, v.recommenders) for v in versions] == [
        (1, [11, 12], [7]),
        (2, [13], [8, 9]),
    ]
    assert versions[0].data["work_achievements"] == "现在的业绩"  # the version's own data stays
    assert versions[1].data == {
        "employer": {"id": employer.pk, "name": employer.name, "name_en": employer.name_en},
        "discipline": None,
        "work_achievements": "第二次提交的业绩",
    }
    assert versions[1].submitted_at == second_at
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "applications_submittedform" not in tables
