"""Issue #22: the internal notice's text follows the working days chosen, and the applicant can
open their own notice (without objecting to it)."""

import pytest
import time_machine

from applications.models import InternalNotice
from tests.applications.test_employer import at, member_of, open_notice, submitted

pytestmark = pytest.mark.django_db


def test_the_text_names_the_end_of_the_working_days_chosen(client):
    application, reviewer = submitted()
    client.force_login(reviewer)
    with time_machine.travel(at(2026, 3, 2, 10, 0), tick=False):
        page = client.get(f"/applications/{application.pk}/").content.decode()
        # Prepared for 5 working days: Tue 3 to Mon 9 March.
        assert "2026-03-09 23:59" in page
        assert 'name="end_in_text" value="2026-03-09 23:59"' in page
        text = f"公示期至2026-03-09 23:59止。{application.applicant.display_name}"
        response = client.post(
            f"/applications/{application.pk}/notice/open/",
            {
                "text": text,
                "working_days": 7,
                "end_in_text": "2026-03-09 23:59",
                "version": application.version,
            },
        )
    assert response.status_code == 302
    notice = InternalNotice.objects.get()
    assert notice.ends_at == at(2026, 3, 11, 23, 59, 59, 999999)
    assert notice.text == f"公示期至2026-03-11 23:59止。{application.applicant.display_name}"


def test_the_applicant_opens_their_own_notice_but_cannot_object(client):
    application, reviewer = submitted()
    open_notice(application, reviewer)
    client.force_login(application.applicant)
    url = f"/applications/{application.pk}/notice/"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "公示内容" in html and 'name="statement"' not in html
    client.post(url, {"real_name": "张三", "statement": "自己反对自己。"})
    assert not InternalNotice.objects.get().objections.exists()
    # A colleague still objects; another applicant elsewhere does not see it.
    client.force_login(member_of(application.employer))
    assert 'name="statement"' in client.get(url).content.decode()
    other, _reviewer = submitted()
    client.force_login(other.applicant)
    assert client.get(url).status_code == 404
