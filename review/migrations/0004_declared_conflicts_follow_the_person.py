"""Rule 5: conflicts declared on the panel before issue #20 become declared conflicts of the
person (``applications.DeclaredConflict``), so that they recuse them at every later stage."""

from django.db import migrations


def forwards(apps, schema_editor):
    Assignment = apps.get_model("review", "Assignment")
    DeclaredConflict = apps.get_model("applications", "DeclaredConflict")
    released = Assignment.objects.filter(status="released").exclude(conflict_reason="")
    for assignment in released.order_by("ended_at", "pk"):
        DeclaredConflict.objects.get_or_create(
            application_id=assignment.application_id,
            person_id=assignment.expert_id,
            defaults={
                "stage": "panel",
                "reason": assignment.conflict_reason[:2000],
                "declared_at": assignment.ended_at or assignment.assigned_at,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_declared_conflict"),
        ("review", "0003_queue_indexes_in_meta"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
