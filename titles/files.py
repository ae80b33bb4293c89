"""Uploaded files, wherever ``STORAGES["default"]`` keeps them: the local disk (one machine) or
an S3-compatible object store (several machines; ``FILE_STORAGE=s3``, see titles.settings).

Downloads always pass through the site, after the view's own permission check: the file is
streamed from the disk or from the object store in chunks, never handed out as a link to the
store (the store may not be reachable from browsers, and a link would outlive the check).
"""

from django.core.files.storage import Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

CHUNK_BYTES = 64 * 1024


def _is_object_store(storage: Storage) -> bool:
    try:
        from storages.backends.s3 import S3Storage  # noqa: PLC0415 — optional dependency: only with FILE_STORAGE=s3
    except ImportError:  # pragma: no cover - django-storages is a dependency
        return False
    return isinstance(storage, S3Storage)


class _ObjectStream:
    """The body of an S3 object read in chunks (botocore's stream), as a read-only file."""

    def __init__(self, body):
        self.body = body

    def read(self, size: int = CHUNK_BYTES) -> bytes:
        return self.body.read(size)

    def close(self) -> None:
        self.body.close()


def stored_file_response(
    field_file: FieldFile, *, filename: str, content_type: str | None = None
) -> FileResponse:
    """An attachment response streaming ``field_file`` under ``filename``.

    Raises ``Http404`` when the stored file is missing (a row whose file was lost must not be a
    500). The caller has checked that the person may see it.
    """
    if not field_file:
        raise Http404
    storage = field_file.storage
    try:
        stored = storage.open(field_file.name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    if _is_object_store(storage):
        # S3File reads the whole object into memory on first read; stream its body instead.
        obj = stored.obj
        response = FileResponse(
            _ObjectStream(obj.get()["Body"]), as_attachment=True, filename=filename
        )
        response["Content-Length"] = str(obj.content_length)
    else:
        response = FileResponse(stored, as_attachment=True, filename=filename)
    if content_type:
        response["Content-Type"] = content_type
    response.block_size = CHUNK_BYTES
    return response
