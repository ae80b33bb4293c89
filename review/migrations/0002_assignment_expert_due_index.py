"""The expert queue's order: an expert's standing assignments by due date, from an index.

Plain SQL (a partial index, no model state). The predicate is the queue's filter
(``status IN ACTIVE_ASSIGNMENT_STATUSES``).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS review_assignment_expert_due_active "
            "ON review_assignment (expert_id, due_at, id) "
            "WHERE status IN ('assigned', 'confirmed')",
            "DROP INDEX IF EXISTS review_assignment_expert_due_active",
        ),
    ]
