"""Materials: checked files stored as versions, never overwritten."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from applications import permissions
from applications.enums import (
    MULTI_FILE_SLOTS,
    ApplicationState,
)
from applications.errors import NotAllowed, RuleViolation
from applications.models import Application, Material, MaterialVersion
from applications.uploads import upload_check
from titles.audit import audit_record

# --- materials -------------------------------------------------------------------------------


def material_upload(
    *,
    application: Application,
    actor,
    slot: str,
    uploaded_file,
    material: Material | None = None,
    title: str = "",
) -> MaterialVersion:
    """Check and store a file: a new material, or a new version of ``material`` (never overwrite).

    Raises ``UploadRefused`` with the reason when the file may not be stored; nothing is kept then.
    """
    checked = upload_check(
        file=uploaded_file,
        declared_name=uploaded_file.name,
        declared_content_type=getattr(uploaded_file, "content_type", "") or "",
        allowed_kinds={"pdf", "jpeg", "png"},
        max_bytes=settings.MATERIAL_MAX_BYTES,
    )
    stored: list = []
    try:
        return _material_store(
            application, actor, slot, uploaded_file, material, title, checked, stored
        )
    except Exception:
        for file in stored:  # the row was not committed: do not leave its file behind
            file.delete(save=False)
        raise


def _material_store(application, actor, slot, uploaded_file, material, title, checked, stored):
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not permissions.can_edit(actor, locked) and not _may_add_supplement(actor, locked):
            raise NotAllowed
        if material is None:
            if slot not in MULTI_FILE_SLOTS:
                material = locked.materials.filter(slot=slot).first()
            if material is None:
                material = Material.objects.create(application=locked, slot=slot, title=title)
        elif material.application_id != locked.pk:
            raise NotAllowed
        number = (
            material.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        uploaded_file.seek(0)
        version = MaterialVersion(
            material=material,
            number=number,
            original_name=checked.display_name,
            kind=checked.kind,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        version.file.save(checked.storage_name, uploaded_file, save=False)
        stored.append(version.file)
        version.save()
        audit_record(
            actor=actor,
            action="material.upload",
            obj=locked,
            data={
                "slot": slot,
                "material": material.pk,
                "version": number,
                "sha256": checked.sha256,
            },
        )
    return version


def _may_add_supplement(actor, application: Application) -> bool:
    return (
        permissions.is_applicant_of(actor, application)
        and application.state == ApplicationState.SUPPLEMENT_REQUESTED
    )


def material_delete(*, material: Material, actor) -> None:
    """Remove a material that was never submitted (a frozen one stays forever)."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=material.application_id)
        if not permissions.can_edit(actor, locked):
            raise NotAllowed
        if material.versions.filter(submitted_at__isnull=False).exists():
            raise RuleViolation(_("A submitted material cannot be removed; upload a new version."))
        files = [version.file for version in material.versions.all()]
        audit_record(
            actor=actor, action="material.delete", obj=locked, data={"slot": material.slot}
        )
        material.delete()
        transaction.on_commit(lambda: [f.delete(save=False) for f in files])
