"""Indexes that give the queues their first page in order without sorting the whole stage.

Plain SQL (no model state): ``(state, updated_at, id)`` serves the panel and bureau queues
(``state = …`` ordered by ``updated_at, id``); the partial ``(eligibility_due_at, id)`` serves
the agency queue (its two states, earliest due first).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_alter_application_options"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS applications_application_state_updated "
            'ON applications_application (state, updated_at, id)',
            "DROP INDEX IF EXISTS applications_application_state_updated",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS applications_application_agency_due "
            "ON applications_application (eligibility_due_at, id) "
            "WHERE state IN ('eligibility_review', 'supplement_requested')",
            "DROP INDEX IF EXISTS applications_application_agency_due",
        ),
    ]
