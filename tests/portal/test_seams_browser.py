"""Issue #20 in Chromium: the applicant's page opens with the decision against them and its next
step, shows the form's versions and what changed; the holder pages through every verification.
Screenshots at 1280 px and 390 px, in Chinese and English (``/tmp/seams-shots``)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from applications import services
from applications.models import Application
from certificates.models import Verification
from tests.applications.factories import complete_application
from tests.applications.test_services import reviewer_for
from tests.browser import chromium, sign_in
from tests.certificates.factories import issued

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/seams-shots")


def returned_after_a_resubmission():
    application = complete_application()
    services.application_submit(
        application=application, actor=application.applicant, declaration=True
    )
    reviewer = reviewer_for(application)
    services.application_return(
        application=Application.objects.get(pk=application.pk),
        actor=reviewer,
        reason="请补充近三年的业绩数据。",
    )
    services.application_update(
        application=Application.objects.get(pk=application.pk),
        actor=application.applicant,
        work_achievements="产品服务两千万用户，年营收增长百分之四十。",
    )
    services.application_resubmit(
        application=Application.objects.get(pk=application.pk),
        actor=application.applicant,
        declaration=True,
    )
    services.application_return(
        application=Application.objects.get(pk=application.pk),
        actor=reviewer,
        reason="请附上营收证明。",
    )
    return Application.objects.get(pk=application.pk)


@pytest.mark.django_db(transaction=True)
def test_the_applicant_sees_the_decision_the_versions_and_every_verification(live_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    application = returned_after_a_resubmission()
    certificate = issued(real_name="陆游")
    start = timezone.now() - timedelta(days=60)
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
        for n in range(60)
    )
    holder = certificate.application.applicant.username
    applicant = application.applicant.username
    url = live_server.url
    with chromium() as browser:
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 900})
            for language in ("zh-hans", "en"):
                page.context.add_cookies(
                    [{"name": "django_language", "value": language, "url": url}]
                )
                sign_in(page, url, applicant)
                page.context.add_cookies(
                    [{"name": "django_language", "value": language, "url": url}]
                )
                page.goto(f"{url}/applications/{application.pk}/")
                box = page.locator("section.decision-against")
                assert box.count() == 1
                assert "请附上营收证明。" in box.inner_text()
                assert page.locator("table.form-changes tbody tr").count() == 1
                page.screenshot(path=SHOTS / f"application-{language}-{width}.png", full_page=True)

                sign_in(page, url, holder)
                page.context.add_cookies(
                    [{"name": "django_language", "value": language, "url": url}]
                )
                page.goto(f"{url}/certificates/{certificate.pk}/verifications/")
                assert page.locator("table.verifications tbody tr").count() == 50
                page.locator("nav.pagination a[rel=next]").click()
                page.wait_for_load_state()
                assert page.locator("table.verifications tbody tr").count() == 10
                page.screenshot(
                    path=SHOTS / f"verifications-{language}-{width}.png", full_page=True
                )
            page.close()
