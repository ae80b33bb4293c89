"""The secret ballot, again: the logs (everything at DEBUG, SQL included), an error report from
the cast view and the audit trail never contain a member's choice."""

import logging
import sys

import pytest
from django.db import connection
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.debug import ExceptionReporter

from committee import views
from committee.models import AgendaItem
from tests.committee.factories import in_session
from tests.factories import sign_in_verified
from titles.models import AuditEvent

pytestmark = pytest.mark.django_db
CHOICES = ("consent", "oppose", "abstain")


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def everything_logged():
    """Every logger at DEBUG into one handler (the project's LOGGING stops some propagating)."""
    capture = Capture()
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    saved = [(logger, logger.level, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.addHandler(capture)
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    yield capture
    for logger, level, disabled in saved:
        logger.removeHandler(capture)
        logger.setLevel(level)
        logger.disabled = disabled


def test_a_whole_ballot_leaves_no_choice_in_logs_or_audit(everything_logged):
    caplog = everything_logged
    _meeting, (item,), voters, chairman = in_session(members=3)
    clients = {voter.pk: sign_in_verified(Client(), voter) for voter in voters}
    choices = ["consent", "oppose", "abstain", "consent"]
    first_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    connection.force_debug_cursor = True  # SQL and its parameters are logged too
    try:
        chair = clients[chairman.pk]
        assert chair.post(reverse("committee:ballot_open", args=[item.pk])).status_code == 302
        for voter, choice in zip(voters, choices, strict=True):
            response = clients[voter.pk].post(
                reverse("committee:ballot_cast", args=[item.pk]), {"choice": choice}
            )
            assert response.status_code == 302
        assert (
            chair.post(
                reverse("committee:ballot_close", args=[item.pk]), {"confirmed": "1"}
            ).status_code
            == 302
        )
    finally:
        connection.force_debug_cursor = False
    assert AgendaItem.objects.get(pk=item.pk).closed_at is not None
    logged = "\n".join(
        f"{record.getMessage()} {getattr(record, 'params', '')} {getattr(record, 'sql', '')}"
        for record in caplog.records
    )
    assert len(caplog.records) > 20  # the SQL was captured
    values = {
        str(value)
        for record in caplog.records
        for value in (getattr(record, "params", None) or ())
        if not isinstance(value, bytes)
    }
    for choice in CHOICES:  # as a value: the columns "consent" ... hold the tally after close
        assert f"'{choice}'" not in logged, choice
        assert choice not in values, choice
    events = AuditEvent.objects.filter(pk__gt=first_event or 0)
    assert events.exists()

    def leaves(value):
        if isinstance(value, dict):
            for inner in value.values():  # keys may name the tally ("consent": 2)
                yield from leaves(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from leaves(inner)
        else:
            yield str(value)

    for event in events:
        found = [leaf for leaf in leaves(event.data) if leaf in CHOICES]
        assert (event.action, found) == (event.action, [])
        assert not any(choice in event.reason for choice in CHOICES), event.action


def _report_of_cast(request) -> tuple[str, str]:
    """The error report Django would send for the cast view failing on ``request``."""
    try:
        views.ballot_cast(request, pk=999_999)
    except Http404:
        report = ExceptionReporter(request, *sys.exc_info())
        return report.get_traceback_text(), report.get_traceback_html()
    raise AssertionError("an unknown agenda item must be a 404")


def test_an_error_report_from_the_cast_view_hides_the_choice():
    _meeting, _items, voters, _chairman = in_session(members=1)
    request = RequestFactory().post("/committee/items/999999/vote/", {"choice": CHOICES[1]})
    request.user = voters[0]
    text, html = _report_of_cast(request)
    # the choice never appears as a value (the view's source, quoted as context, names them all)
    assert f"'{CHOICES[1]}'" not in text
    assert f"&#x27;{CHOICES[1]}&#x27;" not in html
    assert "choice = '********************'" in text
    assert "choice" in text  # the parameter is listed, its value hidden
