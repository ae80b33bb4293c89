"""Uploaded files in an S3-compatible object store (moto's server, a real HTTP endpoint started
here), chosen by environment variables; downloads streamed through the same access checks."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.enums import MaterialSlot
from applications.models import MaterialVersion
from tests.applications.factories import ApplicationFactory, pdf_bytes
from tests.factories import UserFactory
from tests.s3 import S3Server
from titles.enums import Role

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def s3_server():
    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_server):
    """STORAGES["default"] exactly as titles.settings builds it from the variables."""
    bucket = s3_server.bucket_create(f"titles-{uuid.uuid4().hex[:12]}")
    env = s3_server.environment(bucket, prefix="media")
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; print(repr(s.STORAGES['default']))",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "titles.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    settings.STORAGES = {**settings.STORAGES, "default": eval(result.stdout)}  # noqa: S307
    return bucket


def test_the_variables_choose_the_storage(s3_server):
    def default_storage(**env):
        return subprocess.run(
            [
                sys.executable,
                "-c",
                "from django.conf import settings as s; "
                "d = s.STORAGES['default']; print(d['BACKEND'], d.get('OPTIONS', {}))",
            ],
            cwd=ROOT,
            env={
                "PATH": os.environ["PATH"],
                "DJANGO_SETTINGS_MODULE": "titles.settings",
                "DATABASE_URL": "postgres://x@localhost/t",
                "SECRET_KEY": "k" * 50,
                **env,
            },
            capture_output=True,
            text=True,
            timeout=60,
        )

    local = default_storage()
    assert local.stdout.strip() == "django.core.files.storage.FileSystemStorage {}"
    s3 = default_storage(**s3_server.environment("bucket", prefix="media"))
    assert s3.stdout.startswith("storages.backends.s3.S3Storage {'bucket_name': 'bucket', ")
    for fragment in (
        f"'endpoint_url': '{s3_server.url}'",
        "'addressing_style': 'path'",
        "'location': 'media'",
        "'file_overwrite': False",
        "'default_acl': None",
    ):
        assert fragment in s3.stdout
    no_bucket = default_storage(FILE_STORAGE="s3")
    assert no_bucket.returncode == 1
    assert "FILE_STORAGE=s3 needs S3_BUCKET" in no_bucket.stderr
    unknown = default_storage(FILE_STORAGE="nfs")
    assert "FILE_STORAGE is filesystem or s3." in unknown.stderr


@pytest.mark.django_db
def test_an_upload_goes_to_the_store_and_downloads_only_for_those_who_may_see_it(
    client, settings, s3_server, s3_storage
):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    content = pdf_bytes()
    response = client.post(
        f"/applications/{application.pk}/materials/upload/",
        {
            "slot": MaterialSlot.DEGREE_CERTIFICATE,
            "file": SimpleUploadedFile("学位证书.pdf", content, "application/pdf"),
        },
    )
    assert response.status_code == 302
    version = MaterialVersion.objects.get(material__application=application)
    stored = s3_server.objects(s3_storage)
    assert stored == {f"media/{version.file.name}": content}
    assert version.file.name.startswith(f"materials/{application.pk}/")
    assert not Path(settings.MEDIA_ROOT).exists() or not any(
        path.is_file() for path in Path(settings.MEDIA_ROOT).rglob("*")
    )

    url = f"/applications/{application.pk}/files/{version.pk}/"
    download = client.get(url)
    assert download.status_code == 200
    assert download.streaming
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Length"] == str(len(content))
    assert (
        download["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('学位证书.pdf')}"
    )
    assert download["Cache-Control"] == "private, no-store"

    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


@pytest.mark.django_db
def test_a_file_missing_from_the_store_is_404_not_500(client, s3_server, s3_storage):
    application = ApplicationFactory()
    client.force_login(application.applicant)
    client.post(
        f"/applications/{application.pk}/materials/upload/",
        {
            "slot": MaterialSlot.DEGREE_CERTIFICATE,
            "file": SimpleUploadedFile("degree.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    version = MaterialVersion.objects.get(material__application=application)
    s3_server.client().delete_object(Bucket=s3_storage, Key=f"media/{version.file.name}")
    assert client.get(f"/applications/{application.pk}/files/{version.pk}/").status_code == 404
