"""The form's submitted versions (rule 9): what the applicant submitted, each time."""

from datetime import datetime

from applications.enums import RecommenderStatus
from applications.models import FORM_FIELDS, Application, FormVersion, MaterialVersion


def form_snapshot(application: Application) -> dict:
    """The form's fields as they are now: plain values, and a related row as its id and its
    names (both languages, as they read at the submission)."""
    data = {}
    for name in FORM_FIELDS:
        field = Application._meta.get_field(name)
        if field.is_relation:
            related = getattr(application, name)
            data[name] = (
                None
                if related is None
                else {
                    "id": related.pk,
                    "name": related.name,
                    "name_en": getattr(related, "name_en", ""),
                }
            )
        else:
            data[name] = getattr(application, name)
    return data


def form_version_record(*, application: Application, actor, now: datetime) -> FormVersion:
    """Keep the form as submitted now as its next version (in the submission's transaction),
    with the material versions and recommenders its printable form lists."""
    last = (
        application.form_versions.order_by("-number").values_list("number", flat=True).first() or 0
    )
    return FormVersion.objects.create(
        application=application,
        number=last + 1,
        data=form_snapshot(application),
        submitted_at=now,
        submitted_by=actor,
        material_versions=list(
            MaterialVersion.objects.filter(material__application=application)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        recommenders=list(
            application.recommenders.exclude(status=RecommenderStatus.REPLACED)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
    )
