"""The pages of issue 21: sign-up found, organizations registering, the bureau's decisions, the
committee and agency set-up, invitations and members' notices, in both languages."""

import re

import pytest
from django.utils import timezone

from applications.enums import ApplicationState
from committee.models import Committee
from tests.applications.factories import application_in
from tests.bureau.factories import bureau_staff
from tests.factories import UserFactory, role_assignment, sign_in_verified
from tests.titles.test_membership import approved_employer, credit_code, registered
from titles.enums import OrganizationStatus, Role
from titles.models import Organization, OutboxEmail, RoleAssignment, User
from titles.people import join_request_create, join_request_decide, user_roles

pytestmark = pytest.mark.django_db


def english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


# --- sign-up is found -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [("zh-hans", "注册申报人账号"), ("en", "Create an applicant account")],
)
@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_home_and_sign_in_link_to_sign_up(client, language, words, path):
    if language == "en":
        english(client)
    page = client.get(path).content.decode()
    assert f'<a class="button secondary" href="/accounts/signup/">{words}</a>' in page or (
        f'<a href="/accounts/signup/">{words}</a>' in page
    )
    assert 'href="/organizations/register/"' in page


def test_signing_up_lands_on_start_an_application(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "zhangming",
            "real_name": "张明",
            "email": "zhangming@example.cn",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/applications/new/"
    page = client.get("/applications/new/").content.decode()
    assert '<form method="post" action="/applications/new/">' in page
    assert 'href="/organizations/invite-employer/"' in page


# --- registering ------------------------------------------------------------------------------


def registration_data(**changes):
    return {
        "name": "北京星河科技有限公司",
        "kind": "employer",
        "unified_social_credit_code": credit_code(),
        "hr_email": "hr@xinghe.example.cn",
        "account-username": "zhouhong",
        "account-real_name": "周红",
        "account-email": "zhouhong@xinghe.example.cn",
        "account-password1": "a-long-pass-phrase-42",
        "account-password2": "a-long-pass-phrase-42",
        **changes,
    }


def test_an_employer_registers_with_a_new_account_and_waits(client):
    response = client.post("/organizations/register/", registration_data())
    organization = Organization.objects.get(name="北京星河科技有限公司")
    assert response.status_code == 302
    assert response["Location"] == f"/organizations/{organization.pk}/"
    assert organization.status == OrganizationStatus.PENDING
    assert organization.registered_by.username == "zhouhong"
    assert user_roles(organization.registered_by) == set()
    page = client.get(response["Location"]).content.decode()
    assert "等待北京市人力资源和社会保障局审核" in page


def test_a_wrong_credit_code_is_explained_and_nothing_is_made(client):
    english(client)
    code = credit_code()
    wrong = code[:17] + ("1" if code[17] != "1" else "2")
    response = client.post(
        "/organizations/register/", registration_data(unified_social_credit_code=wrong)
    )
    assert response.status_code == 200
    assert (
        "The last character of the unified social credit code does not match its check."
        in response.content.decode()
    )
    assert not Organization.objects.filter(name="北京星河科技有限公司").exists()
    assert not User.objects.filter(username="zhouhong").exists()


def test_a_district_hr_bureau_names_its_district(client):
    english(client)
    response = client.post("/organizations/register/", registration_data(kind="district_hr_bureau"))
    assert "Choose the district that this HR bureau serves." in response.content.decode()


# --- the bureau's page ------------------------------------------------------------------------


def test_only_bureau_staff_see_the_registrations(client):
    client.force_login(UserFactory())
    assert client.get("/organizations/registrations/").status_code == 404


def test_bureau_staff_approve_and_refuse_with_a_reason(client):
    staff = bureau_staff()
    first = registered()
    second = registered(
        reviewer=UserFactory(), name="北京云帆科技有限公司", code=credit_code("MA02WXYQ")
    )
    sign_in_verified(client, staff)
    page = client.get("/organizations/registrations/").content.decode()
    assert "北京星河科技有限公司" in page and "北京云帆科技有限公司" in page
    client.post("/organizations/registrations/", {"organization": first.pk, "decision": "approve"})
    response = client.post(
        "/organizations/registrations/",
        {"organization": second.pk, "decision": "refuse", "reason": ""},
        follow=True,
    )
    assert "请填写不予通过的理由。" in response.content.decode()
    client.post(
        "/organizations/registrations/",
        {"organization": second.pk, "decision": "refuse", "reason": "营业执照名称不符。"},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("approved", "refused")
    assert second.refusal_reason == "营业执照名称不符。"
    assert RoleAssignment.objects.filter(
        user=first.registered_by, role=Role.EMPLOYER_REVIEWER, organization=first
    ).exists()


# --- the organization's page -------------------------------------------------------------------


def test_reviewer_invites_from_the_organization_page_and_strangers_get_404(client):
    organization, reviewer = approved_employer()
    client.force_login(UserFactory())
    assert client.get(f"/organizations/{organization.pk}/").status_code == 404
    sign_in_verified(client, reviewer)
    response = client.post(
        f"/organizations/{organization.pk}/", {"email": "colleague@example.cn", "role": "member"}
    )
    assert response.status_code == 302
    assert OutboxEmail.objects.filter(
        to_address="colleague@example.cn", kind="organization_invitation"
    ).exists()
    bad = client.post(
        f"/organizations/{organization.pk}/", {"email": "not-an-address", "role": "member"}
    )
    assert bad.status_code == 200
    assert 'class="field has-error"' in bad.content.decode()
    assert OutboxEmail.objects.filter(kind="organization_invitation").count() == 1


def test_a_member_sees_the_running_notice_on_the_dashboard(client):
    organization, reviewer = approved_employer()
    application = application_in(ApplicationState.INTERNAL_NOTICE, employer=organization)
    colleague = UserFactory()
    join_request_decide(
        join_request=join_request_create(user=colleague, organization=organization),
        actor=reviewer,
        confirm=True,
    )
    client.force_login(colleague)
    page = client.get("/dashboard/").content.decode()
    assert f'href="/applications/{application.pk}/notice/"' in page
    assert organization.name in page
    assert application.internal_notice.ends_at > timezone.now()


def test_join_page_asks_to_join(client):
    organization, _reviewer = approved_employer()
    person = UserFactory()
    client.force_login(person)
    response = client.post("/organizations/join/", {"organization": organization.pk})
    assert response.status_code == 302
    assert person.join_requests.get().organization == organization


# --- committees and agency staff ---------------------------------------------------------------


def test_bureau_staff_set_up_a_committee_and_agency_staff(client):
    staff = bureau_staff()
    chairman, vice, member = (
        UserFactory(username="liuwei"),
        UserFactory(username="chenjing"),
        UserFactory(username="yangfan"),
    )
    agent = UserFactory(username="wangfang")
    sign_in_verified(client, staff)
    english(client)
    bad = client.post(
        "/committee/setup/",
        {
            "name": "高精尖人才职称评审委员会",
            "chairman": "liuwei",
            "vice_chairman": "liuwei",
            "members": "yangfan\nnobody",
            "quorum": "",
        },
    )
    page = bad.content.decode()
    assert "No active account has these user names: nobody" in page
    assert not Committee.objects.exists()
    response = client.post(
        "/committee/setup/",
        {
            "name": "高精尖人才职称评审委员会",
            "chairman": "liuwei",
            "vice_chairman": "chenjing",
            "members": "yangfan",
            "quorum": "3",
        },
    )
    assert response.status_code == 302
    committee = Committee.objects.get()
    assert (committee.chairman, committee.vice_chairman, committee.quorum) == (chairman, vice, 3)
    assert set(committee.members.all()) == {vice, member}
    assert Role.COMMITTEE_CHAIRMAN in user_roles(chairman)
    assert Role.COMMITTEE_MEMBER in user_roles(member)
    too_many = client.post(
        f"/committee/setup/{committee.pk}/",
        {"name": committee.name, "chairman": "liuwei", "members": "yangfan", "quorum": "5"},
    )
    assert "The quorum is between 1 and the number of members (2), or empty." in (
        too_many.content.decode()
    )
    client.post("/committee/setup/agency-staff/", {"username": "wangfang"})
    assert Role.AGENCY_STAFF in user_roles(agent)


def test_only_bureau_staff_set_up_committees(client):
    client.force_login(UserFactory())
    assert client.get("/committee/setup/").status_code == 404


CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize(
    "path",
    [
        "/organizations/register/",
        "/organizations/join/",
        "/organizations/invite-employer/",
        "/applications/new/",
        "/committee/setup/",
        "/organizations/registrations/",
    ],
)
def test_the_new_pages_in_english_have_no_chinese(client, path):
    staff = bureau_staff(real_name="Sun Li")
    role_assignment(staff, Role.APPLICANT)
    sign_in_verified(client, staff)
    english(client)
    page = client.get(path).content.decode()
    main = page[page.index("<main") : page.index("</main>")]
    assert CJK.findall(main) == []


def test_registrations_page_query_count_is_the_same_for_1_and_8(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff = bureau_staff()
    sign_in_verified(client, staff)
    counts = []
    for total in (1, 8):
        while Organization.objects.filter(status=OrganizationStatus.PENDING).count() < total:
            number = Organization.objects.count()
            registered(
                reviewer=UserFactory(),
                name=f"北京测试{number}科技有限公司",
                code=credit_code(f"MA{number:06d}"),
            )
        client.get("/organizations/registrations/")
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/organizations/registrations/")
        assert response.content.decode().count('<article class="registration"') == total
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_organization_page_query_count_is_the_same_for_1_and_8_members(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    organization, reviewer = approved_employer()
    sign_in_verified(client, reviewer)
    counts = []
    for total in (1, 8):
        while organization.memberships.count() < total:
            join_request_decide(
                join_request=join_request_create(user=UserFactory(), organization=organization),
                actor=reviewer,
                confirm=True,
            )
        join_request_create(user=UserFactory(), organization=organization)
        client.get(f"/organizations/{organization.pk}/")
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/organizations/{organization.pk}/")
        counts.append(len(captured))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/organizations/registrations/", {"organization": "abc", "decision": "approve"}),
        ("/organizations/registrations/", {"organization": "999999", "decision": "approve"}),
        ("/committee/setup/agency-staff/", {"remove": "abc"}),
        ("/organizations/join/", {"organization": "abc"}),
    ],
)
def test_hostile_ids_answer_404_or_the_form_never_500(client, path, data):
    sign_in_verified(client, bureau_staff())
    response = client.post(path, data)
    assert response.status_code in (200, 404)


def test_an_unknown_invitation_link_is_404(client):
    assert client.get("/organizations/invitations/" + "x" * 500 + "/").status_code == 404


def test_registrations_beyond_the_hourly_limit_are_refused_with_429(client, settings):
    settings.SIGNUPS_PER_HOUR = 1
    client.post("/organizations/register/", registration_data())
    client.logout()
    response = client.post(
        "/organizations/register/",
        registration_data(
            name="北京云帆科技有限公司",
            unified_social_credit_code=credit_code("MA02WXYQ"),
            **{"account-username": "other", "account-email": "other@example.cn"},
        ),
    )
    assert response.status_code == 429
    assert not Organization.objects.filter(name="北京云帆科技有限公司").exists()


def test_the_registrant_finds_their_pending_organization_on_the_dashboard(client):
    organization = registered()
    client.force_login(organization.registered_by)
    page = client.get("/dashboard/").content.decode()
    assert f'<a href="/organizations/{organization.pk}/">北京星河科技有限公司</a>' in page
    assert "等待北京市人力资源和社会保障局审核" in page
