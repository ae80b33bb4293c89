"""Every URL of the site, requested with GET as every role, answers exactly as the table says.

The table is keyed by URL name; a URL added without an entry fails
``test_every_url_has_an_entry``. Answers: a status code, ``LOGIN`` (302 to the sign-in page),
``TWO_FA`` (302 to two-factor sign-in) or ``REDIRECT`` (302 elsewhere, a POST-only view sending a
GET back to a page). Role order is ``world.ROLES``.
"""

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from tests.factories import sign_in_verified
from tests.reliability.world import ROLES, world_build

pytestmark = pytest.mark.django_db

LOGIN, TWO_FA, REDIRECT = "login", "2fa", "redirect"
RD = REDIRECT
TWO_FACTOR_ROLES = {
    "agency_staff",
    "panel_expert",
    "committee_member",
    "committee_chairman",
    "bureau_staff",
}


def url_names(patterns=None, namespace="") -> list[str]:
    """Every named URL pattern, with its namespace, walked from the root URL configuration."""
    names = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or ""
            prefix = f"{namespace}{inner}:" if inner else namespace
            names += url_names(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(f"{namespace}{entry.name}")
    return names


def covered_by_rule(name: str) -> bool:
    """The admin (behind staff and two-factor sign-in, checked by its index) and Django's own
    language switcher are covered by rules, not table rows."""
    return name.startswith("admin:") or name == "set_language"


def kwargs_for(name: str, objects: dict) -> dict:
    application = objects["application"].pk
    table = {
        "applications:detail": {"pk": application},
        "applications:step": {"pk": application, "step": "personal"},
        "applications:material_upload": {"pk": application},
        "applications:material_delete": {
            "pk": application,
            "material_pk": objects["version"].material_id,
        },
        "applications:material_download": {"pk": application, "version_pk": objects["version"].pk},
        "applications:recommender_remind": {
            "pk": application,
            "recommender_pk": objects["recommender"].pk,
        },
        "applications:recommender_replace": {
            "pk": application,
            "recommender_pk": objects["recommender"].pk,
        },
        "applications:recommend": {"token": objects["token"]},
        "applications:internal_objection_decide": {"pk": application, "objection_pk": 1},
        "applications:internal_objection_evidence": {"pk": application, "objection_pk": 1},
        "review:assignments": {"pk": objects["panel_application"].pk},
        "review:assignment_replace": {
            "pk": objects["panel_application"].pk,
            "assignment_pk": objects["assignment"].pk,
        },
        "bureau:objection_create": {"entry_pk": objects["entry"].pk},
        "certificates:verify_number": {"number": objects["certificate"].number},
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "notification_mark_read": {"pk": objects["notification"].pk},
        "notification_open": {"pk": objects["notification"].pk},
        "certificates:application_progress": {"pk": objects["certificate"].application_id},
        "organization_detail": {"pk": objects["application"].employer_id},
        "invitation_accept": {"token": "no-such-invitation"},
        "join_request_decide": {"pk": 1},
        "committee:setup_edit": {"pk": objects["meeting"].committee_id},
        "committee:agenda_builder": {"pk": objects["meeting"].pk},
    }
    if name in table:
        return table[name]
    by_prefix = {
        "review:": objects["assignment"].pk,
        "committee:meeting": objects["meeting"].pk,
        "committee:minutes": objects["meeting"].pk,
        "committee:roll_call": objects["meeting"].pk,
        "committee:agenda_add": objects["meeting"].pk,
        "committee:": objects["item"].pk,
        "bureau:special_issuance": objects["special"].pk,
        "bureau:objection": objects["objection"].pk,
        "bureau:": objects["application"].pk,
        "certificates:notice": objects["notice"].pk,
        "certificates:": objects["certificate"].pk,
        "applications:": application,
    }
    for prefix, pk in by_prefix.items():
        if name.startswith(prefix):
            return {"pk": pk}
    return {}


def url_for(name: str, objects: dict) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse(name, kwargs=kwargs_for(name, objects))


def answer_of(response) -> str | int:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("login")):
            return LOGIN
        if location.startswith(reverse("two_factor_verify")):
            return TWO_FA
        return REDIRECT
    return response.status_code


def client_for(role: str, user) -> Client:
    client = Client()
    if user is None:
        return client
    if role in TWO_FACTOR_ROLES:
        return sign_in_verified(client, user)
    client.force_login(user)
    return client


# Columns: anonymous, applicant (owner), other applicant, employer reviewer, agency staff,
# panel expert (assigned), committee member, committee chairman, bureau staff.
# fmt: off
EXPECTED = {
    "home": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "dashboard": (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200),
    "healthz": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "status": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "favicon": (301, 301, 301, 301, 301, 301, 301, 301, 301),
    "metrics": (404, 404, 404, 404, 404, 404, 404, 404, 200),
    "login": (200, RD, RD, RD, RD, RD, RD, RD, RD),
    "logout": (405, 405, 405, 405, 405, 405, 405, 405, 405),
    "two_factor_verify": (LOGIN, RD, RD, RD, RD, RD, RD, RD, RD),
    "two_factor_setup": (LOGIN, 200, 200, 200, RD, RD, RD, RD, RD),
    "two_factor_recovery": (LOGIN, RD, RD, RD, RD, RD, RD, RD, RD),
    "two_factor_recovery_codes": (LOGIN, RD, RD, RD, 200, 200, 200, 200, 200),
    "password_reset": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "password_reset_done": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "password_reset_confirm": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "password_reset_complete": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "notifications": (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200),
    "notifications_mark_all_read": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "notification_mark_read": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "notification_open": (LOGIN, RD, 404, 404, 404, 404, 404, 404, 404),
    "signup": (200, RD, RD, RD, RD, RD, RD, RD, RD),
    "applications:new": (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200),
    "applications:detail": (LOGIN, 200, 404, 200, 404, 404, 404, 404, 404),
    "applications:step": (LOGIN, RD, 404, 404, 404, 404, 404, 404, 404),
    "applications:material_upload": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "applications:material_delete": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "applications:material_download": (LOGIN, 200, 404, 200, 404, 404, 404, 404, 404),
    "applications:recommender_remind": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "applications:recommender_replace": (LOGIN, 200, 404, 404, 404, 404, 404, 404, 404),
    "applications:withdraw": (LOGIN, 200, 404, 404, 404, 404, 404, 404, 404),
    "applications:return": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "applications:recommend": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "applications:employer_queue": (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200),
    "applications:decline": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "applications:internal_notice_open": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "applications:internal_notice": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 404),
    "applications:internal_objection_decide": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "applications:internal_objection_evidence": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 404),
    "applications:recommend_formally": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "applications:internal_notices": (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200),
    "applications:agency_queue": (LOGIN, 404, 404, 404, 200, 404, 404, 404, 404),
    "applications:eligibility_accept": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "applications:eligibility_reject": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "applications:supplement_request": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "applications:supplement": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 404),
    "review:panel_queue": (LOGIN, 404, 404, 404, 200, 404, 404, 404, 200),
    "review:assignments": (LOGIN, 404, 404, 404, 200, 404, 404, 404, 200),
    "review:assignment_replace": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "review:expert_queue": (LOGIN, 404, 404, 404, 404, 200, 404, 404, 404),
    "review:opinion": (LOGIN, 404, 404, 404, 404, 200, 404, 404, 404),
    "review:opinion_confirm": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "review:opinion_conflict": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "committee:meetings": (LOGIN, 404, 404, 404, 404, 404, 200, 200, 404),
    "committee:meeting_create": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "committee:meeting": (LOGIN, 404, 404, 404, 404, 404, 200, 200, 404),
    "committee:meeting_open": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "committee:meeting_close": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "committee:roll_call": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "committee:agenda_add": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "committee:minutes": (LOGIN, 404, 404, 404, 404, 404, 200, 200, 404),
    "committee:minutes_pdf": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 404),
    "committee:minutes_sign": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "committee:item": (LOGIN, 404, 404, 404, 404, 404, 200, 200, 404),
    "committee:ballot_status": (LOGIN, 404, 404, 404, 404, 404, 200, 200, 404),
    "certificates:application_progress": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 200),
    "committee:ballot_open": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "committee:ballot_close": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "committee:ballot_cast": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "committee:recusal_declare": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "bureau:notices": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "bureau:objection_create": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "bureau:objection_received": (RD, RD, RD, RD, RD, RD, RD, RD, RD),
    "bureau:queue": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 200),
    "bureau:notice_publish": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "bureau:reject": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "bureau:special_issuance_propose": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "bureau:special_issuance_confirm": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "bureau:special_issuance_cancel": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "bureau:objection_decide": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "bureau:objection_evidence": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 404),
    "certificates:verify": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "certificates:verify_upload": (405, 405, 405, 405, 405, 405, 405, 405, 405),
    "certificates:public_key": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "certificates:verify_number": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "certificates:download": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 200),
    "certificates:verifications": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 200),
    "certificates:revoke": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "certificates:issuance": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 200),
    "certificates:notice_issue": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 200),
    "certificates:notice_progress": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 200),
    # issues 21 and 23
    "organization_register": (200, 200, 200, 200, 200, 200, 200, 200, 200),
    "organization_registrations": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 200),
    "organization_join": (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200),
    "organization_invite_employer": (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200),
    "invitation_accept": (404, 404, 404, 404, 404, 404, 404, 404, 404),
    "join_request_decide": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "organization_detail": (LOGIN, 404, 404, 200, 404, 404, 404, 404, 200),
    "statistics": (LOGIN, 404, 404, 404, 200, 404, 404, 404, 200),
    "applications:officer_assign": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "applications:form_pdf": (LOGIN, 200, 404, 200, 404, 404, 404, 404, 404),
    "committee:agenda_builder": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 404),
    "committee:setup": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 200),
    "committee:setup_edit": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 200),
    "committee:agency_staff": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "bureau:rounds": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 200),
    "bureau:batch_keep": (LOGIN, 405, 405, 405, 405, 405, 405, 405, 405),
    "certificates:register": (LOGIN, 404, 404, 404, 404, 404, 404, 404, 200),
    "admin:index": (RD, RD, RD, RD, RD, RD, RD, RD, 200),
}
# fmt: on


def test_every_url_has_an_entry():
    missing = [n for n in url_names() if not covered_by_rule(n) and n not in EXPECTED]
    stale = [n for n in EXPECTED if n not in url_names()]
    assert (missing, stale) == ([], [])


def test_every_role_gets_the_expected_answer_from_every_url():
    world = world_build()
    clients = {role: client_for(role, world.users[role]) for role in ROLES}
    got = {}
    for name in url_names():
        if covered_by_rule(name) and name != "admin:index":
            continue
        url = url_for(name, world.objects)
        got[name] = tuple(answer_of(clients[role].get(url)) for role in ROLES)
    wrong = {
        name: {"expected": EXPECTED.get(name), "got": answers}
        for name, answers in got.items()
        if EXPECTED.get(name) != answers
    }
    assert wrong == {}


def test_employer_queue_lists_the_application_only_to_its_employer_reviewer():
    """Queues every signed-in user may open (200) still show only what the role may see."""
    world = world_build()
    name = world.objects["application"].applicant.real_name
    url = reverse("applications:employer_queue")
    shown = {
        role: name in client_for(role, world.users[role]).get(url).content.decode()
        for role in ROLES
        if role not in ("anonymous", "applicant")  # the applicant sees their own name in the header
    }
    assert [role for role, seen in shown.items() if seen] == ["employer_reviewer"]
