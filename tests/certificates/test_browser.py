"""A visitor verifies certificates in Chromium: by number and name, by QR address, by upload."""

from pathlib import Path

import pytest

from certificates.models import Certificate
from certificates.pdf import certificate_html
from certificates.services import (
    certificate_display,
    certificate_revoke,
    certificate_verify_url,
)
from tests.browser import chromium
from tests.bureau.factories import bureau_staff
from tests.certificates.factories import issued

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/cert-shots")


@pytest.mark.django_db(transaction=True)
def test_visitor_verifies_valid_revoked_altered_and_uploaded(live_server, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    valid = issued(real_name="陆游")
    revoked = issued(real_name="秦桧")
    certificate_revoke(certificate=revoked, actor=bureau_staff(), reason="撤销")
    document = tmp_path / "certificate.pdf"
    document.write_bytes(bytes(valid.pdf))
    html = certificate_html(
        data=certificate_display(valid),
        verify_url=certificate_verify_url(number=valid.number, signature=valid.signature),
    )
    url = live_server.url
    with chromium() as browser:
        preview = browser.new_page(viewport={"width": 794, "height": 1123})
        preview.set_content(html)
        preview.screenshot(path=SHOTS / "certificate-html.png", full_page=True)

        page = browser.new_page()
        page.goto(url + "/verify/")
        page.fill("#id_number", valid.number)
        page.fill("#id_name", "陆游")
        page.locator("main form[method=get] button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("section.verification-valid h2.result").count() == 1
        page.screenshot(path=SHOTS / "verify-valid.png", full_page=True)

        page.goto(f"{url}/verify/{revoked.number}/?s={revoked.signature}")
        assert page.locator("section.verification-revoked h2.result").count() == 1
        page.screenshot(path=SHOTS / "verify-revoked.png", full_page=True)

        page.goto(f"{url}/verify/{valid.number}/?s={'A' * 86}")
        assert page.locator("section.verification-altered h2.result").count() == 1
        page.screenshot(path=SHOTS / "verify-altered.png", full_page=True)

        page.goto(url + "/verify/")
        page.set_input_files("#id_document", str(document))
        page.locator("main form[method=post] button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("section.verification-valid h2.result").count() == 1
        page.screenshot(path=SHOTS / "verify-upload.png", full_page=True)
    assert (
        Certificate.objects.get(pk=valid.pk).verifications.count() == 3
    )  # by name, the forged QR, the upload
