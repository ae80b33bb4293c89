from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from applications.enums import ApplicationState
from applications.errors import ChangedMeanwhile
from applications.models import Application
from bureau import selectors, services
from bureau.models import PublicNotice, PublicObjection, SpecialIssuance
from tests.applications.factories import complete_in, pdf_bytes
from tests.applications.upload_files import HTML_WITH_PDF_HEADER, WINDOWS_EXE
from tests.bureau.factories import approved, bureau_staff, on_notice
from tests.factories import UserFactory, sign_in_verified
from titles.enums import Role

pytestmark = pytest.mark.django_db
S = ApplicationState
SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLISHED = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)  # a Monday; ends Mon Mar 9
DURING = PUBLISHED + timedelta(days=1)


def state_of(application) -> str:
    return Application.objects.get(pk=application.pk).state


def text(message) -> str:
    return escape(str(message))


def objection_post(**fields):
    data = {"real_name": "赵六", "contact": "zhao@example.cn", "statement": "论文数据存疑。"}
    data.update(fields)
    return data


# --- the public page -------------------------------------------------------------------------


def test_public_page_lists_only_running_notices_and_only_what_may_be_disclosed(client):
    staff = bureau_staff()
    shown, upheld, ended, unpublished = approved(), approved(), approved(), approved()
    with time_machine.travel(PUBLISHED - timedelta(days=30), tick=False):
        on_notice([ended], staff)
    with time_machine.travel(PUBLISHED, tick=False):
        on_notice([shown, upheld], staff)
        raised = services.public_objection_raise(
            entry=upheld.public_notice_entry,
            real_name="赵六",
            contact="13911112222",
            statement="抄袭。",
            client_ip="203.0.113.9",
        )
        services.public_objection_decide(objection=raised, actor=staff, uphold=True, reason="属实")
    with time_machine.travel(DURING, tick=False):
        response = client.get("/notices/")
    html = response.content.decode()
    assert response.status_code == 200
    applicant = shown.applicant
    assert applicant.display_name in html
    assert str(shown.employer) in html
    assert "高层次人才" in html and "人工智能" in html and "工程技术" in html
    assert "2026-03-09 23:59" in html
    for hidden in (
        applicant.id_number,
        applicant.id_number_masked,
        applicant.id_number[-4:],
        applicant.phone,
        applicant.email,
        shown.reference,
    ):
        assert hidden not in html
    for other in (upheld, ended, unpublished):
        assert other.applicant.display_name not in html
    assert f"/notices/{shown.public_notice_entry.pk}/objection/" in html


def test_public_page_when_nothing_runs(client):
    response = client.get("/notices/")
    assert response.status_code == 200
    assert response.context["notices"] == []


def test_public_page_goes_page_by_page_keeping_each_notice_together(client, monkeypatch):
    monkeypatch.setattr(selectors, "NOTICE_PAGE_SIZE", 2)
    staff = bureau_staff()
    with time_machine.travel(PUBLISHED, tick=False):
        first = on_notice([approved() for _ in range(2)], staff)
        second = on_notice([approved()], staff)
    with time_machine.travel(DURING, tick=False):
        one = client.get("/notices/")
        two = client.get("/notices/?page=2")
        beyond = client.get("/notices/?page=99")
    assert [(n.pk, len(n.entries)) for n in one.context["notices"]] == [(first.pk, 2)]
    assert [(n.pk, len(n.entries)) for n in two.context["notices"]] == [(second.pk, 1)]
    assert "?page=2" in one.content.decode()
    assert [n.pk for n in beyond.context["notices"]] == [second.pk]  # the last page


@pytest.mark.parametrize("size", [1, 6])
def test_public_page_query_count_does_not_grow(client, django_assert_num_queries, size):
    staff = bureau_staff()
    with time_machine.travel(PUBLISHED, tick=False):
        on_notice([approved() for _ in range(size)], staff)
        on_notice([approved() for _ in range(size)], staff)
    with time_machine.travel(DURING, tick=False), django_assert_num_queries(3):
        response = client.get("/notices/")
    assert sum(len(notice.entries) for notice in response.context["notices"]) == 2 * size


# --- objecting -------------------------------------------------------------------------------


@pytest.fixture
def running_entry():
    application = approved()
    with time_machine.travel(PUBLISHED, tick=False):
        on_notice([application], bureau_staff())
    return Application.objects.get(pk=application.pk).public_notice_entry


def test_objection_is_acknowledged_with_a_reference_number(client, running_entry):
    url = f"/notices/{running_entry.pk}/objection/"
    with time_machine.travel(DURING, tick=False):
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            objection_post(evidence=SimpleUploadedFile("证据.pdf", pdf_bytes(), "application/pdf")),
            follow=True,
        )
    objection = PublicObjection.objects.get()
    assert response.redirect_chain == [("/notices/objection-received/", 302)]
    assert objection.reference in response.content.decode()
    assert (objection.real_name, objection.contact, objection.evidence_name) == (
        "赵六",
        "zhao@example.cn",
        "证据.pdf",
    )
    assert objection.client_hash == services.client_hash("127.0.0.1")


def test_acknowledgement_without_an_objection_goes_to_the_notices(client):
    response = client.get("/notices/objection-received/")
    assert (response.status_code, response.url) == (302, "/notices/")


@pytest.mark.parametrize(
    ("fields", "field", "error"),
    [
        ({"real_name": ""}, "real_name", "这个字段是必填项。"),
        ({"statement": ""}, "statement", "这个字段是必填项。"),
        ({"contact": "x" * 101}, "contact", "确保该变量包含不超过 100 字符 (目前字符数 101)。"),
        (
            {"statement": "长" * 5001},
            "statement",
            "确保该变量包含不超过 5000 字符 (目前字符数 5001)。",
        ),
    ],
)
def test_objection_bad_input_gets_a_clear_error_and_nothing_is_stored(
    client, running_entry, fields, field, error
):
    with time_machine.travel(DURING, tick=False):
        response = client.post(f"/notices/{running_entry.pk}/objection/", objection_post(**fields))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [error]
    assert error in response.content.decode()
    assert not PublicObjection.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("证据.pdf", WINDOWS_EXE, "executable"),
        ("证据.pdf", HTML_WITH_PDF_HEADER, "pdf_damaged"),
        ("证据.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "unknown_type"),
        ("setup.exe", WINDOWS_EXE, "name_extension"),
    ],
)
def test_objection_evidence_that_is_not_a_document_is_refused(
    client, running_entry, name, content, code
):
    from applications.uploads import MESSAGES

    with time_machine.travel(DURING, tick=False):
        response = client.post(
            f"/notices/{running_entry.pk}/objection/",
            objection_post(evidence=SimpleUploadedFile(name, content, "application/pdf")),
        )
    assert response.status_code == 200
    assert response.context["form"].errors["evidence"] == [str(MESSAGES[code])]
    assert not PublicObjection.objects.exists()


def test_rate_limit_holds_per_address(running_entry):
    url = f"/notices/{running_entry.pk}/objection/"
    first, second = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    with time_machine.travel(DURING, tick=False):
        for _ in range(services.OBJECTIONS_PER_HOUR):
            assert first.post(url, objection_post()).status_code == 302
        refused = first.post(url, objection_post())
        assert refused.status_code == 200
        assert text(services.RATE_LIMIT_MESSAGE) in refused.content.decode()
        assert PublicObjection.objects.count() == services.OBJECTIONS_PER_HOUR
        assert second.post(url, objection_post()).status_code == 302
    assert PublicObjection.objects.count() == services.OBJECTIONS_PER_HOUR + 1


def test_objection_to_a_notice_no_longer_running_is_refused(client, running_entry):
    with time_machine.travel(PUBLISHED + timedelta(days=30), tick=False):
        response = client.post(
            f"/notices/{running_entry.pk}/objection/", objection_post(), follow=True
        )
    assert response.redirect_chain == [("/notices/", 302)]
    assert text(gettext("This notice is no longer running.")) in response.content.decode()
    assert not PublicObjection.objects.exists()


def test_objection_to_an_unknown_entry_is_refused(client):
    response = client.get("/notices/999999/objection/")
    assert (response.status_code, response.url) == (302, "/notices/")


# --- the bureau's queue and decisions --------------------------------------------------------


def test_queue_is_for_bureau_staff_only(client):
    for outsider in (UserFactory(roles=[Role.APPLICANT]), UserFactory(roles=[Role.AGENCY_STAFF])):
        sign_in_verified(client, outsider)
        assert client.get("/bureau/").status_code == 404
        assert client.post("/bureau/publish/", {}).status_code == 404


def test_queue_shows_no_committee_record_before_the_committee_app(client):
    application = approved()
    sign_in_verified(client, bureau_staff())
    response = client.get("/bureau/")
    assert [row.application.pk for row in response.context["rows"]] == [application.pk]
    assert response.context["rows"][0].committee is None
    assert application.applicant.display_name in response.content.decode()


def test_the_queue_shows_the_committees_result_and_minutes(client):
    from committee import services as committee_services
    from tests.committee.factories import in_session

    meeting, [item], voters, chairman = in_session(members=2)
    committee_services.ballot_open(item=item, actor=chairman)
    for voter, choice in zip(voters, ["consent", "consent", "consent"], strict=True):
        committee_services.ballot_cast(item=item, member=voter, choice=choice)
    committee_services.ballot_close(item=item, actor=chairman)
    committee_services.meeting_close(meeting=meeting, actor=chairman)
    decision = selectors.committee_decision_of(item.application)
    assert (decision["consent"], decision["oppose"], decision["present"]) == (3, 0, 3)
    assert decision["approved"] is True
    sign_in_verified(client, bureau_staff())
    html = client.get("/bureau/").content.decode()
    assert meeting.committee.name in html
    assert f"/committee/meetings/{meeting.pk}/minutes/" in html
    # Issue #20: the rule and its arithmetic beside the result.
    english = client.get("/bureau/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        '<span class="muted rule">Rule: approved when consent votes are more than two-thirds of '
        "the members present (3 × 3 = 9 &gt; 2 × 3 = 6: more than two thirds).</span>"
    ) in english
    # Issue #20: the link the queue shows opens for bureau staff (it answered 404).
    minutes = client.get(f"/committee/meetings/{meeting.pk}/minutes/", HTTP_ACCEPT_LANGUAGE="en")
    assert minutes.status_code == 200
    assert f'href="/committee/meetings/{meeting.pk}/minutes.pdf"' in minutes.content.decode()
    assert f'href="/committee/meetings/{meeting.pk}/"' not in minutes.content.decode()
    pdf = client.get(f"/committee/meetings/{meeting.pk}/minutes.pdf")
    assert (pdf.status_code, pdf.content[:5]) == (200, b"%PDF-")
    outsider = sign_in_verified(Client(), UserFactory(roles=[Role.APPLICANT]))
    assert outsider.get(f"/committee/meetings/{meeting.pk}/minutes/").status_code == 404


@pytest.mark.parametrize("size", [1, 5])
def test_queue_query_count_does_not_grow(client, django_assert_num_queries, size):
    staff = bureau_staff()
    proposer = bureau_staff()
    applications = [approved() for _ in range(size)]
    for application in applications:
        services.special_issuance_propose(application=application, actor=proposer, reason="特殊")
    published = [approved() for _ in range(size)]
    on_notice(published, staff)
    for application in published:
        services.public_objection_raise(
            entry=Application.objects.get(pk=application.pk).public_notice_entry,
            real_name="赵六",
            contact="13911112222",
            statement="存疑",
            client_ip=f"203.0.113.{application.pk % 250}",
        )
    sign_in_verified(client, staff)
    client.get("/bureau/")
    # with and the rounds (issue #23)
    with django_assert_num_queries(10):
        response = client.get("/bureau/")
    assert len(response.context["rows"]) == size


def test_publish_a_batch_from_the_queue(client):
    first, second, left_out = approved(), approved(), approved()
    with time_machine.travel(PUBLISHED, tick=False):
        # Signed in at the pinned moment: a session from a start date weeks earlier has expired.
        sign_in_verified(client, bureau_staff())
        posted = {
            "applications": [first.pk, second.pk],
            f"version_{first.pk}": first.version,
            f"version_{second.pk}": second.version,
            "working_days": 6,
            "title": "",
        }
        # First the page that says what publishing does (issue #22); nothing is published yet.
        asked = client.post("/bureau/publish/", posted).content.decode()
        assert "公示将向社会公开2名申报人，至2026-03-10（6个工作日）" in asked
        assert first.reference in asked and second.reference in asked
        assert not PublicNotice.objects.exists()
        response = client.post("/bureau/publish/", {**posted, "confirmed": "1"}, follow=True)
    assert response.redirect_chain == [("/bureau/", 302)]
    notice = PublicNotice.objects.get()
    assert (notice.working_days, notice.title) == (6, "")  # worded per reader (issue 22)
    assert notice.heading == (
        gettext("Public notice of senior professional titles, %(date)s") % {"date": "2026-03-02"}
    )
    with translation.override("en"):
        assert notice.heading == "Public notice of senior professional titles, 2026-03-02"
    assert notice.ends_at == datetime(2026, 3, 10, 23, 59, 59, 999999, tzinfo=SHANGHAI)
    assert [state_of(first), state_of(second), state_of(left_out)] == [
        S.PUBLIC_NOTICE,
        S.PUBLIC_NOTICE,
        S.BUREAU_REVIEW,
    ]


def test_publish_shorter_than_five_working_days_is_refused(client):
    application = approved()
    sign_in_verified(client, bureau_staff())
    response = client.post(
        "/bureau/publish/",
        {"applications": [application.pk], "working_days": 4},
        follow=True,
    )
    assert "公示期不少于5个工作日。" in response.content.decode()
    assert state_of(application) == S.BUREAU_REVIEW
    assert not PublicNotice.objects.exists()


def test_publish_from_a_stale_page_says_changed_meanwhile(client):
    application = approved()
    staff = bureau_staff()
    services.application_bureau_reject(application=application, actor=staff, reason="不实")
    sign_in_verified(client, staff)
    response = client.post(
        "/bureau/publish/",
        {"applications": [application.pk], f"version_{application.pk}": 1, "working_days": 5},
        follow=True,
    )
    assert text(ChangedMeanwhile.default_message) in response.content.decode()
    assert not PublicNotice.objects.exists()


def test_issue_without_notice_through_the_pages(client):
    application = approved()
    proposer, second = bureau_staff(), bureau_staff()
    sign_in_verified(client, proposer)
    detail = f"/applications/{application.pk}/"
    assert "issue-without-notice" in client.get(detail).content.decode()
    response = client.post(
        f"/bureau/applications/{application.pk}/issue-without-notice/",
        {"reason": "", "version": application.version},
        follow=True,
    )
    assert "这个字段是必填项。" in response.content.decode()
    client.post(
        f"/bureau/applications/{application.pk}/issue-without-notice/",
        {"reason": "涉密人员，不宜公示。", "version": application.version},
    )
    issuance = SpecialIssuance.objects.get()
    response = client.post(f"/bureau/special-issuances/{issuance.pk}/confirm/", follow=True)
    refusal = gettext(
        "You proposed this issuance without notice yourself: a second, different "
        "bureau staff member must confirm it."
    )
    assert text(refusal) in response.content.decode()
    assert state_of(application) == S.BUREAU_REVIEW
    sign_in_verified(client, second)
    assert (
        f"/bureau/special-issuances/{issuance.pk}/confirm/" in client.get(detail).content.decode()
    )
    client.post(f"/bureau/special-issuances/{issuance.pk}/confirm/")
    assert state_of(application) == S.CERTIFYING


def test_reject_through_the_page_needs_a_reason(client):
    application = approved()
    sign_in_verified(client, bureau_staff())
    url = f"/bureau/applications/{application.pk}/reject/"
    client.post(url, {"reason": "", "version": application.version})
    assert state_of(application) == S.BUREAU_REVIEW
    client.post(url, {"reason": "材料不实。", "version": application.version})
    assert state_of(application) == S.NOT_APPROVED


def test_bureau_staff_see_applications_past_the_committee_only(client):
    past = approved()
    before = complete_in(S.ELIGIBILITY_REVIEW)
    sign_in_verified(client, bureau_staff())
    assert client.get(f"/applications/{past.pk}/").status_code == 200
    assert client.get(f"/applications/{before.pk}/").status_code == 404
    assert client.post(
        f"/bureau/applications/{before.pk}/reject/", {"reason": "x"}
    ).status_code == (404)


def test_objection_decided_on_the_application_page(client, running_entry):
    with time_machine.travel(DURING, tick=False):
        raised = services.public_objection_raise(
            entry=running_entry,
            real_name="赵六",
            contact="13911112222",
            statement="论文数据存疑。",
            client_ip="203.0.113.9",
            evidence=SimpleUploadedFile("证据.pdf", pdf_bytes(), "application/pdf"),
        )
    staff = bureau_staff()
    sign_in_verified(client, staff)
    html = client.get(f"/applications/{running_entry.application_id}/").content.decode()
    assert "论文数据存疑。" in html and "13911112222" in html and raised.reference in html
    evidence = client.get(f"/bureau/objections/{raised.pk}/evidence/")
    assert b"".join(evidence.streaming_content) == pdf_bytes()
    client.post(f"/bureau/objections/{raised.pk}/decide/", {"decision": "dismiss", "reason": ""})
    assert PublicObjection.objects.get().status == "open"
    client.post(
        f"/bureau/objections/{raised.pk}/decide/", {"decision": "dismiss", "reason": "无误。"}
    )
    assert PublicObjection.objects.get().status == "dismissed"


def test_dashboard_panel_for_bureau_staff(client):
    approved()
    sign_in_verified(client, bureau_staff())
    html = client.get("/dashboard/").content.decode()
    assert 'href="/bureau/"' in html


def test_bureau_staff_need_the_second_factor(client):
    client.force_login(bureau_staff())
    response = client.get("/bureau/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/2fa/setup/")


def test_the_applicant_sees_the_notice_period_on_the_application_page(client, running_entry):
    application = Application.objects.get(pk=running_entry.application_id)
    client.force_login(application.applicant)
    html = client.get(f"/applications/{application.pk}/").content.decode()
    assert "2026-03-09 23:59" in html
    assert "/bureau/" not in html


def test_objection_audit_event_keeps_no_address(client, running_entry):
    from titles.models import AuditEvent

    with time_machine.travel(DURING, tick=False):
        client.post(
            f"/notices/{running_entry.pk}/objection/",
            objection_post(),
            REMOTE_ADDR="198.51.100.77",
        )
    event = AuditEvent.objects.get(action="public_notice.objection")
    assert (event.actor, event.ip_address) == (None, None)
    assert event.data == {"objection": PublicObjection.objects.get().reference}
