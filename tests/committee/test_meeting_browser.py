"""A committee meeting in the browser: the chairman and three members vote on two applications."""

import io
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from applications.enums import ApplicationState
from applications.models import Application
from committee.minutes import minutes_context
from committee.models import AgendaItem, Meeting
from tests.browser import chromium, orm, sign_in
from tests.committee.factories import awaiting_committee, committee_of, meeting_of

pytestmark = pytest.mark.browser


def submit(page, form_selector: str) -> None:
    page.locator(f"{form_selector} button[type=submit]").first.click()
    page.wait_for_load_state()


def current_key(user_id: int) -> bytes:
    return TOTPDevice.objects.get(user_id=user_id).bin_key


def minutes_pdf_html(meeting_pk: int) -> str:
    meeting = Meeting.objects.get(pk=meeting_pk)
    return render_to_string("committee/minutes_pdf.html", minutes_context(meeting=meeting))


def vote(page, url, item_pk, choice):
    page.goto(f"{url}/committee/items/{item_pk}/")
    page.check(f"input[name=choice][value={choice}]")
    submit(page, "form.vote")
    assert "您已投票。投票不可更改" in page.locator(".messages").inner_text()
    assert page.locator("form.vote").count() == 0
    assert page.locator(".voted").inner_text() == "您已投票。"


@pytest.mark.django_db(transaction=True)
def test_a_meeting_with_two_items_one_approved_one_not(live_server, tmp_path):
    shots = tmp_path  # screenshots of the ballot, the tally and the minutes, to look at
    committee = committee_of(3)
    first = awaiting_committee(employer_opinion="该同志业绩突出，同意推荐。")
    second = awaiting_committee(eligibility_note="材料齐全，符合申报条件。")
    meeting = meeting_of(committee, first, second)
    item_1, item_2 = AgendaItem.objects.filter(meeting=meeting).order_by("position")
    people = [committee.chairman, *committee.members.order_by("pk")]
    for person in people:
        TOTPDevice.objects.create(user=person, name="default", confirmed=True)
    url = live_server.url
    meeting_url = f"{url}/committee/meetings/{meeting.pk}/"

    with chromium() as browser:
        pages = []
        for person in people:
            page = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 900})
            page = page.new_page()
            sign_in(page, url, person.username, orm(current_key, person.pk))
            pages.append(page)
        chair, members = pages[0], pages[1:]

        chair.goto(meeting_url)
        submit(chair, "form.meeting-open")
        assert "会议已开始" in chair.locator(".messages").inner_text()
        for box in chair.locator("form.roll-call input[type=checkbox]").all():
            box.check()
        submit(chair, "form.roll-call")
        assert "出席委员 4 人" in chair.locator("main").inner_text()

        # Item 1: four consent of four present: approved.
        chair.goto(f"{url}/committee/items/{item_1.pk}/")
        submit(chair, "form.ballot-open")
        vote(chair, url, item_1.pk, "consent")
        for page in members:
            vote(page, url, item_1.pk, "consent")
        members[0].reload()
        assert "应投票委员 4 人，已投票 4 人。" in members[0].locator(".turnout").inner_text()
        assert members[0].locator(".tallies").count() == 0
        members[0].screenshot(path=shots / "ballot.png", full_page=True)
        chair.reload()
        submit(chair, "form.ballot-close")
        # Issue #22: asked first, on a page saying nobody present is left to vote.
        assert "0名出席委员尚未投票。" in chair.locator("section.confirmation").inner_text()
        chair.screenshot(path=shots / "ballot-close-confirm.png", full_page=True)
        submit(chair, "form.confirm")
        assert chair.locator(".result").inner_text().startswith("通过")

        # Item 2: two consent of four present (2/4 is not more than 2/3): not approved.
        chair.goto(f"{url}/committee/items/{item_2.pk}/")
        submit(chair, "form.ballot-open")
        members[2].goto(f"{url}/committee/items/{item_2.pk}/")
        members[2].screenshot(path=shots / "ballot-before-voting.png", full_page=True)
        for page, choice in zip(pages[:3], ["consent", "consent", "oppose"], strict=True):
            vote(page, url, item_2.pk, choice)
        # Issue #22: the chairman's page counts the votes without being reloaded.
        chair.locator(".turnout", has_text="已投票 3 人").wait_for(timeout=15000)
        # Issue #27: one member has not voted: the chairman sees who (never how anyone voted)
        # and cannot close yet.
        last = people[3].display_name
        assert chair.locator("ul.yet-to-vote li").all_inner_texts() == [last]
        assert chair.locator("form.ballot-close").count() == 0
        assert "所有出席且未回避的委员都投票后" in chair.locator(".close-waits").inner_text()
        vote(pages[3], url, item_2.pk, "abstain")
        chair.reload()
        assert chair.locator("ul.yet-to-vote").count() == 0
        submit(chair, "form.ballot-close")
        submit(chair, "form.confirm")
        assert chair.locator(".result").inner_text().startswith("未通过")
        chair.screenshot(path=shots / "tally.png", full_page=True)

        chair.goto(meeting_url)
        submit(chair, "form.meeting-close")
        assert "会议结束后不能重新开始" in chair.locator(".irreversible").inner_text()
        submit(chair, "form.confirm")
        chair.goto(meeting_url + "minutes/")
        submit(chair, "form.minutes-sign")
        assert "会议纪要已签署" in chair.locator(".messages").inner_text()
        chair.screenshot(path=shots / "minutes.png", full_page=True)
        with members[1].expect_download() as download:
            members[1].goto(meeting_url + "minutes/")
            members[1].locator("a.minutes-pdf").click()
        pdf = Path(download.value.path()).read_bytes()
        (shots / "minutes.pdf").write_bytes(pdf)
        # The PDF's own HTML in the browser, to look at its layout and Chinese fonts.
        members[1].set_content(orm(minutes_pdf_html, meeting.pk))
        members[1].screenshot(path=shots / "minutes-pdf-layout.png", full_page=True)

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert first.reference in text and second.reference in text
    assert committee.name in text
    assert "主任委员李主任于" in text.replace(" ", "")
    states = dict(
        Application.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "state")
    )
    assert states == {
        first.pk: ApplicationState.BUREAU_REVIEW,
        second.pk: ApplicationState.NOT_APPROVED,
    }
    item_1, item_2 = AgendaItem.objects.filter(meeting=meeting).order_by("position")
    assert (item_1.consent, item_1.oppose, item_1.abstain, item_1.approved) == (4, 0, 0, True)
    assert (item_2.consent, item_2.oppose, item_2.abstain, item_2.approved) == (2, 1, 1, False)
