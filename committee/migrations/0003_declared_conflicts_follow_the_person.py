"""Rule 5: recusals members declared before issue #20 become declared conflicts of the person
(``applications.DeclaredConflict``), so that they hold at every later stage."""

from django.db import migrations


def forwards(apps, schema_editor):
    Recusal = apps.get_model("committee", "Recusal")
    DeclaredConflict = apps.get_model("applications", "DeclaredConflict")
    declared = Recusal.objects.filter(automatic=False).select_related("item__meeting")
    for recusal in declared.order_by("pk"):
        DeclaredConflict.objects.get_or_create(
            application_id=recusal.item.application_id,
            person_id=recusal.member_id,
            defaults={
                "stage": "committee",
                "reason": recusal.reason,
                "declared_at": recusal.item.meeting.starts_at,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_declared_conflict"),
        ("committee", "0002_committee_vice_chairman_quorum"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
