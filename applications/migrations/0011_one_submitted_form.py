"""One record of a submitted form (issue #26): ``SubmittedForm`` (issue #23, the printable form
of each submission) and ``FormVersion`` (issue #20, the form's versions) were written together
at every submission; the version now also keeps the material versions and recommenders the
printable form lists, and ``SubmittedForm`` goes."""

from django.db import migrations, models

RELATIONS = {
    "employer": ("titles", "Organization"),
    "recommending_body": ("titles", "Organization"),
    "title_series": ("titles", "TitleSeries"),
    "discipline": ("titles", "Discipline"),
}


def keep_what_was_submitted(apps, schema_editor):
    try:
        SubmittedForm = apps.get_model("applications", "SubmittedForm")
    except LookupError:  # run again with today's models (the journey on a migrated database)
        return
    FormVersion = apps.get_model("applications", "FormVersion")
    for submitted in SubmittedForm.objects.order_by("pk").iterator():
        content = submitted.content or {}
        updated = FormVersion.objects.filter(
            application_id=submitted.application_id, number=submitted.number
        ).update(
            material_versions=content.get("versions", []),
            recommenders=content.get("recommenders", []),
        )
        if updated:
            continue
        # A submission kept only as a printable form: its fields become the version's data.
        data = {}
        for name, value in (content.get("fields") or {}).items():
            if name.endswith("_id") and name[:-3] in RELATIONS:
                relation = name[:-3]
                row = (
                    apps.get_model(*RELATIONS[relation]).objects.filter(pk=value).first()
                    if value
                    else None
                )
                data[relation] = (
                    {"id": row.pk, "name": row.name, "name_en": getattr(row, "name_en", "")}
                    if row
                    else None
                )
            else:
                data[name] = value
        FormVersion.objects.create(
            application_id=submitted.application_id,
            number=submitted.number,
            data=data,
            submitted_at=submitted.submitted_at,
            material_versions=content.get("versions", []),
            recommenders=content.get("recommenders", []),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0010_merge_issues_20_21_22_23"),
    ]

    operations = [
        migrations.AddField(
            model_name="formversion",
            name="material_versions",
            field=models.JSONField(default=list, verbose_name="material versions as submitted"),
        ),
        migrations.AddField(
            model_name="formversion",
            name="recommenders",
            field=models.JSONField(default=list, verbose_name="recommenders as submitted"),
        ),
        migrations.RunPython(keep_what_was_submitted, migrations.RunPython.noop),
        migrations.DeleteModel(name="SubmittedForm"),
    ]
