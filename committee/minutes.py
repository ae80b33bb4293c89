"""The minutes of a meeting: attendance and, per item, the counts, the result and the rule."""

from django.template.loader import render_to_string

from committee import selectors
from committee.models import Meeting
from titles.pdf import html_to_pdf
from titles.voting import RULE_TEXT


def minutes_context(*, meeting: Meeting) -> dict:
    present = selectors.present_member_ids(meeting)
    voters = selectors.committee_voters(meeting.committee)
    items = list(
        meeting.items.select_related("application__applicant", "application__discipline")
        .prefetch_related("recusals__member")
        .order_by("position", "pk")
    )
    return {
        "meeting": meeting,
        "attendance": [{"member": user, "present": user.pk in present} for user in voters],
        "present_count": len(present),
        "items": items,
        "rule": RULE_TEXT,
    }


def minutes_pdf_render(*, meeting: Meeting) -> bytes:
    """The minutes as a PDF."""
    html = render_to_string("committee/minutes_pdf.html", minutes_context(meeting=meeting))
    return html_to_pdf(html)
