"""Issue 22 (part B): no English in the Chinese pages, no Chinese in the English pages, Django's
own messages in the polite register, and one name for the bureau."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import NumericPasswordValidator
from django.test import Client
from django.utils import translation

from applications.models import Application
from certificates.models import Certificate
from committee import services
from tests.applications.factories import ApplicationFactory
from tests.committee.factories import in_session
from tests.factories import sign_in_verified
from titles.audit import audit_reason_text, audit_record

pytestmark = pytest.mark.django_db


def _reason(action: str, data: dict, language: str) -> str:
    event = audit_record(actor=None, action=action, obj=ApplicationFactory(), data=data)
    with translation.override(language):
        return audit_reason_text(event)


def test_the_systems_reasons_are_worded_in_the_readers_language():
    assert _reason("application.complete_panel_review", {"experts": 3}, "zh-hans") == (
        "已指派的 3 名专家均已提交评议意见。"
    )
    assert _reason("application.complete_panel_review", {"experts": 3}, "en") == (
        "All 3 assigned experts have submitted their opinions."
    )
    ballot = {"consent": 1, "oppose": 2, "abstain": 1, "present": 4, "recused": 0}
    assert _reason("application.committee_approve", ballot, "zh-hans") == (
        "评委会表决：同意 1 票，反对 2 票，弃权 1 票；出席 4 人，回避 0 人。"
    )


def test_the_minutes_and_the_committee_read_in_english_on_english_pages():
    meeting, [_item], voters, chairman = in_session(members=1)
    committee = meeting.committee
    committee.name_en = "Senior Title Committee for High-level Talent"
    committee.save(update_fields=["name_en"])
    services.meeting_close(meeting=meeting, actor=chairman)
    client = sign_in_verified(Client(), voters[1])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/committee/meetings/{meeting.pk}/minutes/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert "Senior Title Committee for High-level Talent" in main
    assert committee.name not in main
    assert "（" not in main and "(present)" in main
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(f"/committee/meetings/{meeting.pk}/minutes/").content.decode()
    assert committee.name in html and "（出席）" in html


def test_the_verify_page_names_the_bureau_in_the_readers_language():
    certificate = Certificate(bureau_name="北京市人力资源和社会保障局", committee_name="")
    with translation.override("en"):
        assert certificate.bureau_name_display == (
            "Beijing Municipal Bureau of Human Resources and Social Security"
        )
    with translation.override("zh-hans"):
        assert certificate.bureau_name_display == "北京市人力资源和社会保障局"


def test_djangos_own_messages_say_nin():
    with translation.override("zh-hans"):
        assert NumericPasswordValidator().get_help_text() == "您的密码不能全都是数字。"


def test_one_name_for_the_bureau_in_the_catalogue():
    catalogue = (settings.BASE_DIR / "locale/zh_Hans/LC_MESSAGES/django.po").read_text()
    for other in ("市人社局", "市人力社保局", "市人力资源社会保障局"):
        assert other not in catalogue.replace("北京市人力资源和社会保障局", ""), other
    assert Application  # the states' labels use it too (see tests/titles/test_render_helpers.py)
