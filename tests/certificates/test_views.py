import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from django.utils.translation import gettext

from applications.enums import ApplicationState
from applications.models import Application
from certificates import sections, verification, views
from certificates.models import Certificate, Verification
from certificates.services import certificate_revoke
from tests.bureau.factories import approved, bureau_staff, on_notice
from tests.certificates.factories import issued
from tests.factories import UserFactory, sign_in_verified

pytestmark = pytest.mark.django_db
S = ApplicationState


def text(message) -> str:
    return escape(gettext(str(message)))


@pytest.fixture
def certificate():
    return issued(real_name="辛弃疾")


def test_verify_page_shows_both_ways_without_sign_in(client):
    response = client.get("/verify/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="number"' in html and 'name="name"' in html and 'name="document"' in html


def test_verify_by_number_and_name_answers_valid_with_the_details(client, certificate):
    response = client.get("/verify/", {"number": certificate.number, "name": "辛弃疾"})
    html = response.content.decode()
    assert response.status_code == 200
    assert text("Valid certificate") in html
    assert "辛弃疾" in html and certificate.title in html
    assert certificate.id_number_masked not in html


def test_verify_by_number_with_the_wrong_name_answers_unknown(client, certificate):
    response = client.get("/verify/", {"number": certificate.number, "name": "李白"})
    html = response.content.decode()
    assert text("Unknown certificate") in html
    assert "辛弃疾" not in html and certificate.title not in html
    # What was typed stays in the form (issue #22).
    assert f'value="{certificate.number}"' in html and 'value="李白"' in html


def test_upload_of_a_file_that_is_no_certificate_says_so(client):
    """Issue #22: it said to check the number and the name, which the visitor never typed."""
    from tests.applications.factories import pdf_bytes

    for document in (pdf_bytes(), b"%PDF-1.7 not really"):
        upload = SimpleUploadedFile("c.pdf", document, "application/pdf")
        html = client.post("/verify/upload/", {"document": upload}).content.decode()
        assert text("Not a certificate of the bureau") in html
        assert text("Unknown certificate") not in html
        assert "核对证书编号和持证人姓名" not in html


def test_qr_address_answers_valid_and_masks_the_name_without_signature(client, certificate):
    signed = client.get(f"/verify/{certificate.number}/", {"s": certificate.signature})
    assert text("Valid certificate") in signed.content.decode()
    assert "辛弃疾" in signed.content.decode()
    bare = client.get(f"/verify/{certificate.number}/").content.decode()
    assert text("Valid certificate") in bare
    assert "辛**" in bare and "辛弃疾" not in bare


def test_qr_address_with_a_forged_signature_answers_altered(client, certificate):
    response = client.get(f"/verify/{certificate.number}/", {"s": "A" * 86})
    assert text("Altered: not a genuine certificate") in response.content.decode()


def test_revoked_certificate_answers_revoked_with_the_date(client, certificate):
    revoked = certificate_revoke(certificate=certificate, actor=bureau_staff(), reason="撤销")
    response = client.get(f"/verify/{certificate.number}/", {"s": certificate.signature})
    html = response.content.decode()
    assert text("Revoked certificate") in html
    from django.utils import timezone

    assert timezone.localtime(revoked.revoked_at).strftime("%Y-%m-%d") in html


def test_upload_of_the_genuine_pdf_answers_valid_and_a_flipped_byte_altered(client, certificate):
    genuine = SimpleUploadedFile("c.pdf", bytes(certificate.pdf), "application/pdf")
    assert (
        text("Valid certificate")
        in client.post("/verify/upload/", {"document": genuine}).content.decode()
    )
    document = bytearray(certificate.pdf)
    document[len(document) // 2] ^= 0x80
    altered = SimpleUploadedFile("c.pdf", bytes(document), "application/pdf")
    html = client.post("/verify/upload/", {"document": altered}).content.decode()
    assert text("Altered: not a genuine certificate") in html
    assert list(Verification.objects.order_by("pk").values_list("method", "result")) == [
        ("upload", "valid"),
        ("upload", "altered"),
    ]


def test_upload_of_a_file_other_than_the_issued_one_answers_not_the_issued_file(
    client, certificate
):
    """Issue #27: a byte changed in the signature's zero padding (inside /Contents, which the
    signature does not cover) verified as valid."""
    from tests.certificates.test_verification import _contents_padding_flipped

    document = _contents_padding_flipped(bytes(certificate.pdf))
    upload = SimpleUploadedFile("c.pdf", document, "application/pdf")
    html = client.post("/verify/upload/", {"document": upload}).content.decode()
    assert text("Not the issued file") in html
    assert text("Valid certificate") not in html
    assert certificate.holder_name not in html  # no details of a file we did not issue
    assert list(Verification.objects.values_list("method", "result")) == [("upload", "not_issued")]


def test_verification_beyond_the_limit_answers_429(client, certificate, monkeypatch):
    monkeypatch.setattr(verification, "VERIFICATIONS_PER_MINUTE", 2)
    for _ in range(2):
        assert client.get(f"/verify/{certificate.number}/").status_code == 200
    response = client.get(f"/verify/{certificate.number}/")
    assert response.status_code == 429
    assert text(views.RATE_LIMITED) in response.content.decode()
    assert Verification.objects.count() == 2


def test_public_key_is_published(client):
    response = client.get("/verify/public-key.pem")
    assert response.content.decode().startswith("-----BEGIN PUBLIC KEY-----")


def test_holder_downloads_and_sees_who_verified(client, certificate):
    client.get(f"/verify/{certificate.number}/", {"s": certificate.signature})
    holder = certificate.application.applicant
    client.force_login(holder)
    response = client.get(f"/certificates/{certificate.pk}/download/")
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(certificate.pdf)
    assert f'filename="{certificate.number}.pdf"' in response["Content-Disposition"]
    page = client.get(f"/applications/{certificate.application_id}/").content.decode()
    assert certificate.number in page
    assert text("Anonymous visitor") in page and text("QR code") in page


def test_the_application_page_shows_the_latest_verifications_only(client, certificate):
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now() - timedelta(days=30)
    Verification.objects.bulk_create(
        Verification(
            certificate=certificate,
            number=certificate.number,
            method="number",
            result="valid",
            verified_at=start + timedelta(hours=n),
            organization_name=f"核验单位{n:02d}",
            client_hash="x",
        )
        for n in range(sections.VERIFICATIONS_SHOWN + 1)
    )
    client.force_login(certificate.application.applicant)
    page = client.get(f"/applications/{certificate.application_id}/").content.decode()
    assert page.count("核验单位") == sections.VERIFICATIONS_SHOWN
    assert "核验单位00" not in page  # the oldest is left out
    assert f"核验单位{sections.VERIFICATIONS_SHOWN:02d}" in page
    assert "显示最近 20 次核验。" in page
    assert f'<a href="/certificates/{certificate.pk}/verifications/">全部核验记录</a>' in page


def test_the_holder_pages_through_every_verification(client, certificate):
    """Issue #20: the holder sees every verification, 50 a page, newest first."""
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now() - timedelta(days=30)
    Verification.objects.bulk_create(
        Verification(
            certificate=certificate,
            number=certificate.number,
            method="number",
            result="valid",
            verified_at=start + timedelta(hours=n),
            organization_name=f"核验单位{n:03d}",
            client_hash="x",
        )
        for n in range(51)
    )
    client.force_login(certificate.application.applicant)
    first = client.get(f"/certificates/{certificate.pk}/verifications/").content.decode()
    assert first.count("核验单位") == 50
    assert "核验单位050" in first and "核验单位000" not in first
    assert "第 1 页，共 2 页" in first
    second = client.get(f"/certificates/{certificate.pk}/verifications/?page=2").content.decode()
    assert second.count("核验单位") == 1 and "核验单位000" in second
    client.force_login(UserFactory())
    assert client.get(f"/certificates/{certificate.pk}/verifications/").status_code == 404


def test_others_cannot_download(client, certificate):
    client.force_login(UserFactory())
    assert client.get(f"/certificates/{certificate.pk}/download/").status_code == 404


def test_bureau_staff_revoke_from_the_application_page(client, certificate):
    staff = bureau_staff()
    sign_in_verified(client, staff)
    page = client.get(f"/applications/{certificate.application_id}/").content.decode()
    assert f"/certificates/{certificate.pk}/revoke/" in page
    posted = {
        "reason": "材料造假",
        "version": Application.objects.get(pk=certificate.application_id).version,
    }
    # First the page that says what revoking does (issue #22); nothing is revoked yet.
    asked = client.post(f"/certificates/{certificate.pk}/revoke/", posted).content.decode()
    assert "撤销后证书不能恢复有效。" in asked and "材料造假" in asked
    assert '<input type="hidden" name="confirmed" value="1">' in asked
    assert Application.objects.get(pk=certificate.application_id).state == S.CERTIFIED
    response = client.post(f"/certificates/{certificate.pk}/revoke/", {**posted, "confirmed": "1"})
    assert response.status_code == 302
    assert Application.objects.get(pk=certificate.application_id).state == S.REVOKED
    assert Certificate.objects.get(pk=certificate.pk).revoke_reason == "材料造假"


def test_others_cannot_revoke(client, certificate):
    client.force_login(certificate.application.applicant)
    response = client.post(f"/certificates/{certificate.pk}/revoke/", {"reason": "x"})
    assert response.status_code == 404
    assert Application.objects.get(pk=certificate.application_id).state == S.CERTIFIED


def test_batch_issuance_page_and_progress(client, monkeypatch, django_capture_on_commit_callbacks):
    from certificates import services

    staff = bureau_staff()
    first, second = approved(), approved()
    notice = on_notice([first, second], staff)
    Application.objects.filter(pk__in=[first.pk, second.pk]).update(state=S.CERTIFYING)
    services.certificate_issue(application_id=first.pk)
    queued = []
    monkeypatch.setattr(services, "_queue_issue", queued.append)
    sign_in_verified(client, staff)
    listing = client.get("/certificates/issuance/").content.decode()
    assert notice.title in listing and "1 / 2" in listing
    assert client.get(f"/certificates/issuance/{notice.pk}/progress/").json() == {
        "issued": 1,
        "total": 2,
        "done": False,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/certificates/issuance/{notice.pk}/")
    assert response.status_code == 302
    assert queued == [second.pk]
    services.certificate_issue(application_id=second.pk)
    assert client.get(f"/certificates/issuance/{notice.pk}/progress/").json() == {
        "issued": 2,
        "total": 2,
        "done": True,
    }


def test_batch_issuance_is_for_bureau_staff_only(client):
    staff = bureau_staff()
    notice = on_notice([approved()], staff)
    client.force_login(UserFactory())
    assert client.get(f"/certificates/issuance/{notice.pk}/progress/").status_code == 404
    assert client.post(f"/certificates/issuance/{notice.pk}/").status_code == 404


@pytest.mark.parametrize("size", [1, 30])
def test_the_verifications_page_takes_a_fixed_number_of_queries(client, certificate, size):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    Verification.objects.bulk_create(
        Verification(
            certificate=certificate,
            number=certificate.number,
            method="number",
            result="valid",
            verified_at=timezone.now(),
            client_hash="x",
        )
        for _ in range(size)
    )
    client.force_login(certificate.application.applicant)
    client.get(f"/certificates/{certificate.pk}/verifications/")  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/certificates/{certificate.pk}/verifications/").status_code == 200
    assert len(queries) <= 8, [query["sql"] for query in queries]
