"""Materials: checked files stored as versions, never overwritten."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import permissions
from applications.enums import MULTI_FILE_SLOTS
from applications.errors import NotAllowed, RuleViolation
from applications.models import Application, Material, MaterialVersion
from applications.uploads import CheckedUpload, upload_check
from titles.audit import audit_record


def document_check(uploaded_file) -> CheckedUpload:
    """Check a file as the browser sent it: PDF, JPEG or PNG within the size limit.

    Raises ``UploadRefused`` with the reason when it may not be stored.
    """
    return upload_check(
        file=uploaded_file,
        declared_name=uploaded_file.name,
        declared_content_type=getattr(uploaded_file, "content_type", "") or "",
        allowed_kinds={"pdf", "jpeg", "png"},
        max_bytes=settings.MATERIAL_MAX_BYTES,
    )


@contextmanager
def files_removed_on_failure() -> Iterator[list]:
    """Collect stored files; if the block fails (its rows are not written), delete them."""
    stored: list = []
    try:
        yield stored
    except Exception:
        for file in stored:
            file.delete(save=False)
        raise


def version_add(
    *,
    material: Material,
    checked: CheckedUpload,
    uploaded_by,
    stored: list,
    uploaded_by_recommender=None,
) -> MaterialVersion:
    """Store the checked file (``checked.content``, never the upload itself) under its random
    name as the material's next version."""
    number = (
        material.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = MaterialVersion(
        material=material,
        number=number,
        original_name=checked.display_name,
        kind=checked.kind,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=uploaded_by,
        uploaded_by_recommender=uploaded_by_recommender,
    )
    version.file.save(checked.storage_name, checked.file(), save=False)
    stored.append(version.file)
    version.save()
    return version


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
    checked = document_check(uploaded_file)
    with files_removed_on_failure() as stored, transaction.atomic():
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
        same = (
            MaterialVersion.objects.filter(
                material__application=locked, material__slot=material.slot, sha256=checked.sha256
            )
            .select_related("material")
            .first()
        )
        if same is not None:
            raise RuleViolation(
                _(
                    "This file is already uploaded under %(slot)s (“%(name)s”, version "
                    "%(number)s): an identical copy is not stored again."
                )
                % {
                    "slot": same.material.get_slot_display(),
                    "name": same.original_name,
                    "number": same.number,
                }
            )
        if title.strip() and title.strip() != material.title:
            material.title = title.strip()  # the note typed with the latest upload is shown
            material.save(update_fields=["title"])
        version = version_add(
            material=material,
            checked=checked,
            uploaded_by=actor,
            stored=stored,
        )
        audit_record(
            actor=actor,
            action="material.upload",
            obj=locked,
            data={
                "slot": slot,
                "material": material.pk,
                "version": version.number,
                "sha256": checked.sha256,
            },
        )
    return version


def _may_add_supplement(actor, application: Application) -> bool:
    """The applicant answering the supplement request, until its deadline (rule 3: the
    deadline, not the sweep that deems the application withdrawn later, is the rule)."""
    if not permissions.can_answer_supplement(actor, application):
        return False
    if permissions.supplement_deadline_passed(application, now=timezone.now()):
        raise RuleViolation(_("The deadline has passed: the application is deemed withdrawn."))
    return True


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
