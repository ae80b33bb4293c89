"""People, organizations and roles: services, selectors, scoping, personal data, admin."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template import Context, Template
from django.utils import translation
from guardian.shortcuts import get_perms

from tests.factories import (
    OrganizationFactory,
    UserFactory,
    person_with_role,
    role_assignment,
    sign_in_verified,
)
from titles.enums import BeijingDistrict, OrganizationKind, Role
from titles.models import (
    AuditEvent,
    Organization,
    OrganizationUserObjectPermission,
    RoleAssignment,
    User,
)
from titles.models.people import credit_code_check_character
from titles.people import (
    id_number_for_viewer,
    is_member_of,
    organization_create,
    organization_update,
    organizations_of_member,
    organizations_reviewable_by,
    person_by_id_number,
    person_set_id_number,
    person_sign_up,
    person_update,
    reviewers_of_organization,
    role_grant,
    role_holders,
    role_revoke,
    user_organizations,
    user_roles,
    users_with_role,
)

# The municipal bureau and the evaluation agency come with the migrations (issue 21).
SHIPPED_ORGANIZATIONS = 2

pytestmark = pytest.mark.django_db
K = OrganizationKind
CREDIT_CODE = "91110108MA01ABCD0" + credit_code_check_character("91110108MA01ABCD0")


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in English; pages (the client) are asserted in Chinese."""
    with translation.override("en"):
        yield


def events_since(last_id: int) -> list[tuple]:
    return list(
        AuditEvent.objects.filter(id__gt=last_id)
        .order_by("id")
        .values_list("action", "object_type", "object_id", "data")
    )


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def message_of(error: ValidationError, language: str = "en") -> list[str]:
    with translation.override(language):
        return error.messages


# --- Organizations ---------------------------------------------------------------------------


def test_organization_create_audits_and_validates():
    bureau = UserFactory()
    start = last_event_id()
    organization = organization_create(
        name=" 北京智源科技有限公司 ",
        name_en="Beijing Zhiyuan Technology Co., Ltd.",
        kind=K.EMPLOYER,
        unified_social_credit_code=CREDIT_CODE.lower(),
        actor=bureau,
    )
    assert (organization.name, organization.unified_social_credit_code) == (
        "北京智源科技有限公司",
        CREDIT_CODE,
    )
    assert events_since(start) == [
        (
            "organization.create",
            "titles.organization",
            str(organization.pk),
            {"name": "北京智源科技有限公司", "kind": "employer"},
        )
    ]


def test_organization_create_refuses_bad_input_and_changes_nothing():
    with pytest.raises(ValidationError) as caught:
        organization_create(
            name="北京市海淀区人力资源和社会保障局", kind=K.DISTRICT_HR_BUREAU, actor=None
        )
    assert caught.value.message_dict == {
        "district": ["Choose the district that this HR bureau serves."]
    }
    with pytest.raises(ValidationError) as caught:
        organization_create(
            name="北京某公司",
            kind=K.EMPLOYER,
            unified_social_credit_code="91110108MA01ABCD0X",
            actor=None,
        )
    assert caught.value.message_dict == {
        "unified_social_credit_code": [
            "The last character of the unified social credit code does not match its check."
        ]
    }
    with pytest.raises(ValidationError) as caught:
        organization_create(
            name="北京某公司",
            kind=K.EMPLOYER,
            unified_social_credit_code="91110108IO01ABCD0X",
            actor=None,
        )
    assert caught.value.message_dict["unified_social_credit_code"] == [
        "A unified social credit code has 18 characters: digits and capital letters other than "
        "I, O, S, V and Z."
    ]
    assert Organization.objects.count() == SHIPPED_ORGANIZATIONS
    assert AuditEvent.objects.count() == 0


def test_one_hr_bureau_per_district():
    organization_create(
        name="北京市海淀区人力资源和社会保障局",
        kind=K.DISTRICT_HR_BUREAU,
        district=BeijingDistrict.HAIDIAN,
        actor=None,
    )
    with pytest.raises(ValidationError) as caught:
        organization_create(
            name="海淀区人社局（重复）",
            kind=K.DISTRICT_HR_BUREAU,
            district=BeijingDistrict.HAIDIAN,
            actor=None,
        )
    assert caught.value.messages == ["This district already has an HR bureau."]


def test_organization_update_audits_old_and_new_values():
    organization = OrganizationFactory(name="北京甲公司")
    start = last_event_id()
    organization_update(organization=organization, actor=None, name="北京乙公司", active=False)
    organization_update(organization=organization, actor=None, name="北京乙公司")  # no change
    organization.refresh_from_db()
    assert (organization.name, organization.active) == ("北京乙公司", False)
    assert events_since(start) == [
        (
            "organization.update",
            "titles.organization",
            str(organization.pk),
            {"changed": {"name": ["北京甲公司", "北京乙公司"], "active": [True, False]}},
        )
    ]


def test_organization_shows_its_english_name_in_english():
    organization = OrganizationFactory(
        name="北京电子学会", name_en="Beijing Institute of Electronics"
    )
    with translation.override("en"):
        assert str(organization) == "Beijing Institute of Electronics"
    with translation.override("zh-hans"):
        assert str(organization) == "北京电子学会"


# --- Roles: grant and revoke -----------------------------------------------------------------


def test_role_grant_keeps_group_permissions_and_audit_in_step():
    bureau = UserFactory(real_name="孙丽")
    reviewer = UserFactory()
    employer = OrganizationFactory()
    start = last_event_id()

    assignment = role_grant(
        user=reviewer, role=Role.EMPLOYER_REVIEWER, organization=employer, actor=bureau
    )

    assert list(reviewer.groups.values_list("name", flat=True)) == ["employer_reviewer"]
    assert sorted(get_perms(reviewer, employer)) == [
        "act_for_organization",
        "review_for_organization",
    ]
    assert reviewer.has_perm("titles.review_for_organization", employer)
    assert not reviewer.has_perm("titles.review_for_organization", OrganizationFactory())
    # Direct foreign-key table, not guardian's generic one.
    assert OrganizationUserObjectPermission.objects.filter(user=reviewer).count() == 2
    assert (assignment.granted_by, assignment.organization) == (bureau, employer)
    assert events_since(start) == [
        (
            "role.grant",
            "titles.user",
            str(reviewer.pk),
            {
                "assignment": assignment.pk,
                "role": "employer_reviewer",
                "organization": employer.pk,
                "group_joined": True,
            },
        ),
        (
            "permission.assign",
            "titles.organization",
            str(employer.pk),
            {
                "user": reviewer.pk,
                "permission": "act_for_organization",
                "assignment": assignment.pk,
            },
        ),
        (
            "permission.assign",
            "titles.organization",
            str(employer.pk),
            {
                "user": reviewer.pk,
                "permission": "review_for_organization",
                "assignment": assignment.pk,
            },
        ),
    ]
    assert AuditEvent.objects.get(action="role.grant", id__gt=start).actor == bureau


def test_role_grant_twice_changes_and_records_nothing():
    user, employer = UserFactory(), OrganizationFactory()
    first = role_grant(user=user, role=Role.EMPLOYER_REVIEWER, organization=employer, actor=None)
    start = last_event_id()
    again = role_grant(user=user, role=Role.EMPLOYER_REVIEWER, organization=employer, actor=None)
    assert again == first
    assert RoleAssignment.objects.count() == 1
    assert events_since(start) == []


def test_role_revoke_leaves_group_and_withdraws_permissions():
    user, employer = UserFactory(), OrganizationFactory()
    assignment = role_grant(
        user=user, role=Role.EMPLOYER_REVIEWER, organization=employer, actor=None
    )
    start = last_event_id()
    assignment_pk = assignment.pk

    role_revoke(assignment=assignment, actor=None)

    assert list(user.groups.all()) == []
    assert get_perms(user, employer) == []
    assert RoleAssignment.objects.count() == 0
    assert list(organizations_reviewable_by(user)) == []
    assert events_since(start) == [
        (
            "role.revoke",
            "titles.user",
            str(user.pk),
            {
                "assignment": assignment_pk,
                "role": "employer_reviewer",
                "organization": employer.pk,
                "group_left": True,
            },
        ),
        (
            "permission.remove",
            "titles.organization",
            str(employer.pk),
            {"user": user.pk, "permission": "act_for_organization", "assignment": assignment_pk},
        ),
        (
            "permission.remove",
            "titles.organization",
            str(employer.pk),
            {"user": user.pk, "permission": "review_for_organization", "assignment": assignment_pk},
        ),
    ]


def test_role_revoke_keeps_what_another_assignment_still_needs():
    user = UserFactory()
    first, second = OrganizationFactory(), OrganizationFactory(learned_society=True)
    at_first = role_assignment(user, Role.EMPLOYER_REVIEWER, first)
    role_assignment(user, Role.EMPLOYER_REVIEWER, second)
    role_assignment(user, Role.APPLICANT, first)
    start = last_event_id()

    role_revoke(assignment=at_first, actor=None)

    assert user_roles(user) == {Role.EMPLOYER_REVIEWER, Role.APPLICANT}
    assert list(organizations_reviewable_by(user)) == [second]
    assert get_perms(user, first) == []
    assert is_member_of(user, first.pk)  # still their employer as an applicant
    assert [(action, data.get("group_left")) for action, _t, _i, data in events_since(start)] == [
        ("role.revoke", False),
        ("permission.remove", None),
        ("permission.remove", None),
    ]


def test_role_revoke_of_a_vanished_assignment_says_so():
    assignment = role_assignment(UserFactory(), Role.APPLICANT)
    role_revoke(assignment=assignment, actor=None)
    with pytest.raises(ValidationError) as caught:
        role_revoke(assignment=assignment, actor=None)
    assert caught.value.messages == ["This role assignment no longer exists."]


ALLOWED = {
    Role.EMPLOYER_REVIEWER: {
        K.EMPLOYER,
        K.INDUSTRY_ASSOCIATION,
        K.LEARNED_SOCIETY,
        K.DISTRICT_HR_BUREAU,
    },
    Role.AGENCY_STAFF: {K.EVALUATION_AGENCY},
    Role.BUREAU_STAFF: {K.MUNICIPAL_BUREAU},
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("kind", list(OrganizationKind))
def test_role_grant_ties_each_role_only_to_the_right_kinds(role, kind):
    organization = OrganizationFactory(
        kind=kind, district=BeijingDistrict.XICHENG if kind == K.DISTRICT_HR_BUREAU else ""
    )
    user = UserFactory()
    allowed = kind in ALLOWED.get(role, set(OrganizationKind))
    if allowed:
        role_grant(user=user, role=role, organization=organization, actor=None)
        assert user_roles(user) == {role}
        assert list(user_organizations(user, role)) == [organization]
    else:
        with pytest.raises(ValidationError) as caught:
            role_grant(user=user, role=role, organization=organization, actor=None)
        assert list(caught.value.message_dict) == ["organization"]
        assert user_roles(user) == set()
        assert RoleAssignment.objects.count() == 0
        assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (Role.EMPLOYER_REVIEWER, "Choose the organization this person acts for."),
        (Role.AGENCY_STAFF, "Choose the organization this person acts for."),
        (Role.BUREAU_STAFF, "Choose the organization this person acts for."),
    ],
)
def test_roles_that_act_for_an_organization_need_one(role, message):
    with pytest.raises(ValidationError) as caught:
        role_grant(user=UserFactory(), role=role, actor=None)
    assert caught.value.message_dict == {"organization": [message]}


@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.PANEL_EXPERT, Role.COMMITTEE_MEMBER, Role.COMMITTEE_CHAIRMAN]
)
def test_other_roles_need_no_organization(role):
    user = UserFactory()
    assignment = role_grant(user=user, role=role, actor=None)
    assert assignment.organization is None
    assert user_roles(user) == {role}
    assert OrganizationUserObjectPermission.objects.count() == 0


def test_role_grant_messages_in_chinese_and_for_an_inactive_organization():
    with pytest.raises(ValidationError) as caught:
        role_grant(
            user=UserFactory(),
            role=Role.AGENCY_STAFF,
            organization=OrganizationFactory(),
            actor=None,
        )
    assert message_of(caught.value, "zh-hans") == ["评价服务机构工作人员只能代表评价服务机构。"]
    with pytest.raises(ValidationError) as caught:
        role_grant(
            user=UserFactory(),
            role=Role.EMPLOYER_REVIEWER,
            organization=OrganizationFactory(inactive=True),
            actor=None,
        )
    assert message_of(caught.value) == ["This organization is inactive; choose an active one."]
    with pytest.raises(ValidationError) as caught:
        role_grant(user=UserFactory(), role="janitor", actor=None)
    assert message_of(caught.value) == ["Choose one of the roles."]


def test_one_person_holds_several_roles():
    person = UserFactory()
    employer, agency = OrganizationFactory(), OrganizationFactory(evaluation_agency=True)
    role_assignment(person, Role.PANEL_EXPERT)
    role_assignment(person, Role.EMPLOYER_REVIEWER, employer)
    role_assignment(person, Role.AGENCY_STAFF, agency)
    assert user_roles(person) == {Role.PANEL_EXPERT, Role.EMPLOYER_REVIEWER, Role.AGENCY_STAFF}
    assert sorted(Group.objects.filter(user=person).values_list("name", flat=True)) == [
        "agency_staff",
        "employer_reviewer",
        "panel_expert",
    ]
    assert list(user_organizations(person, Role.AGENCY_STAFF)) == [agency]
    assert list(organizations_reviewable_by(person)) == [employer]


# --- Scoping ---------------------------------------------------------------------------------


def test_an_employer_reviewer_sees_only_their_organization():
    mine, other = OrganizationFactory(), OrganizationFactory()
    association = OrganizationFactory(industry_association=True)
    reviewer = person_with_role(Role.EMPLOYER_REVIEWER, mine)
    association_reviewer = person_with_role(Role.EMPLOYER_REVIEWER, association)

    assert list(organizations_reviewable_by(reviewer)) == [mine]
    assert list(organizations_reviewable_by(association_reviewer)) == [association]
    assert get_object_or_404(organizations_reviewable_by(reviewer), pk=mine.pk) == mine
    with pytest.raises(Http404):
        get_object_or_404(organizations_reviewable_by(reviewer), pk=other.pk)
    with pytest.raises(Http404):
        get_object_or_404(organizations_reviewable_by(reviewer), pk=association.pk)


def test_nobody_else_reviews_for_an_organization():
    employer = OrganizationFactory()
    agency_staff = person_with_role(Role.AGENCY_STAFF, OrganizationFactory(evaluation_agency=True))
    bureau_staff = person_with_role(Role.BUREAU_STAFF, OrganizationFactory(municipal_bureau=True))
    applicant = person_with_role(Role.APPLICANT, employer)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    group_only = UserFactory(roles=[Role.EMPLOYER_REVIEWER])  # group without an assignment
    from django.contrib.auth.models import AnonymousUser

    for user in (agency_staff, bureau_staff, applicant, superuser, group_only, AnonymousUser()):
        assert list(organizations_reviewable_by(user)) == []


def test_an_inactive_reviewer_reviews_nothing():
    employer = OrganizationFactory()
    reviewer = person_with_role(Role.EMPLOYER_REVIEWER, employer)
    reviewer.is_active = False
    reviewer.save()
    assert list(organizations_reviewable_by(reviewer)) == []
    assert list(reviewers_of_organization(employer.pk)) == []


def test_membership_and_role_selectors():
    employer = OrganizationFactory()
    reviewer = person_with_role(Role.EMPLOYER_REVIEWER, employer)
    colleague = person_with_role(Role.APPLICANT, employer)
    outsider = person_with_role(Role.APPLICANT)
    role_assignment(reviewer, Role.APPLICANT, employer)

    assert list(organizations_of_member(reviewer)) == [employer]
    assert list(organizations_of_member(outsider)) == []
    assert is_member_of(colleague, employer.pk)
    assert not is_member_of(outsider, employer.pk)
    assert not is_member_of(colleague, None)
    assert list(reviewers_of_organization(employer.pk)) == [reviewer]
    assert list(reviewers_of_organization(None)) == []
    assert list(users_with_role(Role.APPLICANT)) == [reviewer, colleague, outsider]
    # Read now, by the group's id (issue #26): the same people, the inactive left out.
    User.objects.filter(pk=colleague.pk).update(is_active=False)
    assert role_holders(Role.APPLICANT) == [reviewer, outsider]
    assert role_holders(Role.BUREAU_STAFF) == []


# --- Personal data ---------------------------------------------------------------------------


def test_person_set_id_number_stores_it_encrypted_with_a_lookup_hash():
    person = UserFactory()
    start = last_event_id()
    person_set_id_number(user=person, id_number="11010519491231002x", actor=person)

    assert person.id_number == "11010519491231002X"
    with connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(u)::text FROM titles_user u WHERE id = %s", [person.pk])
        (row,) = cursor.fetchone()
    assert "11010519491231002" not in row
    assert "194912310" not in row
    stored = User.objects.get(pk=person.pk)
    assert stored.id_number_encrypted.startswith("v1:")
    assert len(stored.id_number_hash) == 64
    assert stored.id_number == "11010519491231002X"
    assert person_by_id_number("11010519491231002X") == person
    assert person_by_id_number(" 11010519491231002x ") == person
    assert person_by_id_number("440524188001010014") is None
    assert person_by_id_number("") is None
    assert events_since(start) == [
        ("person.set_id_number", "titles.user", str(person.pk), {"replaced": False})
    ]
    assert "1101" not in str(AuditEvent.objects.get(id__gt=start).data)


def test_person_set_id_number_again_is_a_no_op_and_a_new_number_replaces():
    person = UserFactory(id_number="11010519491231002X")
    start = last_event_id()
    person_set_id_number(user=person, id_number="11010519491231002x", actor=None)
    assert events_since(start) == []
    person_set_id_number(user=person, id_number="440524188001010014", actor=None)
    assert User.objects.get(pk=person.pk).id_number == "440524188001010014"
    assert person_by_id_number("11010519491231002X") is None
    assert events_since(start) == [
        ("person.set_id_number", "titles.user", str(person.pk), {"replaced": True})
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1101051949123100", "A resident ID number has 18 characters; this one has 16."),
        (
            "11010519491231002Y",
            "Only digits are allowed, and the letter X only as the last character.",
        ),
        ("110105194902300010", "Characters 7 to 14 must be a real date of birth (YYYYMMDD)."),
        (
            "110105194912310021",
            "The last character does not match the check digit of the first 17; "
            "please look for a typing error.",
        ),
    ],
)
def test_person_set_id_number_refuses_a_bad_number_and_changes_nothing(value, message):
    person = UserFactory()
    with pytest.raises(ValidationError) as caught:
        person_set_id_number(user=person, id_number=value, actor=person)
    assert message_of(caught.value) == [message]
    stored = User.objects.get(pk=person.pk)
    assert (stored.id_number_encrypted, stored.id_number_hash) == ("", None)
    assert AuditEvent.objects.count() == 0


def test_an_id_number_belongs_to_one_account():
    holder = UserFactory(id_number="11010519491231002X")
    other = UserFactory()
    start = last_event_id()
    with pytest.raises(ValidationError) as caught:
        person_set_id_number(user=other, id_number="11010519491231002x", actor=other)
    assert message_of(caught.value, "zh-hans") == ["该身份证号码已被其他账号登记。"]
    assert User.objects.get(pk=other.pk).id_number_hash is None
    assert person_by_id_number("11010519491231002X") == holder
    assert events_since(start) == []


def test_masked_for_everyone_but_the_holder():
    holder = UserFactory(id_number="11010519491231002X")
    bureau = person_with_role(Role.BUREAU_STAFF, OrganizationFactory(municipal_bureau=True))
    superuser = UserFactory(is_superuser=True, is_staff=True)
    from django.contrib.auth.models import AnonymousUser

    assert id_number_for_viewer(subject=holder, viewer=holder) == "11010519491231002X"
    for viewer in (bureau, superuser, AnonymousUser(), UserFactory()):
        assert id_number_for_viewer(subject=holder, viewer=viewer) == "110***********002X"
    assert holder.id_number_masked == "110***********002X"
    assert id_number_for_viewer(subject=UserFactory(), viewer=bureau) == ""


def test_template_filters_mask_for_others():
    holder = UserFactory(id_number="11010519491231002X")
    other = UserFactory()
    template = Template(
        "{% load people %}[{{ subject|id_number_for:viewer }}|{{ raw|masked_id_number }}]"
    )
    as_holder = template.render(
        Context({"subject": holder, "viewer": holder, "raw": "440524188001010014"})
    )
    as_other = template.render(Context({"subject": holder, "viewer": other, "raw": ""}))
    assert as_holder == "[11010519491231002X|440***********0014]"
    assert as_other == "[110***********002X|]"


def test_person_update_audits_the_fields_not_their_values():
    person = UserFactory(real_name="张明", email="zhang@example.cn")
    start = last_event_id()
    person_update(
        user=person, actor=person, real_name=" 张明 ", phone="13800138000", email="zhang@example.cn"
    )
    assert User.objects.get(pk=person.pk).phone == "13800138000"
    assert events_since(start) == [
        ("person.update", "titles.user", str(person.pk), {"fields": ["phone"]})
    ]
    UserFactory(email="taken@example.cn")
    with pytest.raises(ValidationError) as caught:
        person_update(
            user=person, actor=person, real_name="张明", phone="", email="TAKEN@example.cn"
        )
    assert caught.value.message_dict == {"email": ["An account with this email already exists."]}
    assert User.objects.get(pk=person.pk).email == "zhang@example.cn"


def test_person_sign_up_makes_an_applicant_in_one_audited_step():
    user = person_sign_up(
        username="zhangming",
        real_name=" 张明 ",
        email="Zhang.Ming@Example.cn",
        password="correct-horse-battery-9",
        language="en",
    )
    user = User.objects.get(pk=user.pk)
    assert (user.username, user.real_name, user.email, user.preferred_language) == (
        "zhangming",
        "张明",
        "zhang.ming@example.cn",
        "en",
    )
    assert user.check_password("correct-horse-battery-9")
    assert user_roles(user) == {Role.APPLICANT}
    events = list(AuditEvent.objects.filter(object_id=str(user.pk)).order_by("id"))
    assert [(event.action, event.actor_id) for event in events] == [
        ("person.create", user.pk),
        ("role.grant", user.pk),
    ]
    assert events[0].data == {
        "fields": ["email", "password", "preferred_language", "real_name", "username"]
    }


def test_person_sign_up_leaves_nothing_behind_when_a_step_fails(monkeypatch):
    from titles.people import persons

    def refuse(**kwargs):
        raise RuntimeError("the role could not be granted")

    monkeypatch.setattr(persons, "role_grant", refuse)
    with pytest.raises(RuntimeError):
        person_sign_up(
            username="lina",
            real_name="李娜",
            email="li@example.cn",
            password="x",
            language="zh-hans",
        )
    assert not User.objects.filter(username="lina").exists()
    assert not AuditEvent.objects.filter(action="person.create").exists()


def test_person_sign_up_refuses_a_username_taken_meanwhile():
    UserFactory(username="wangfang")
    with pytest.raises(ValidationError) as refused:
        person_sign_up(
            username="wangfang", real_name="王芳", email="w@example.cn", password="x", language=""
        )
    assert refused.value.message_dict == {"username": ["A user with that username already exists."]}
    assert User.objects.filter(username="wangfang").count() == 1


# --- Dashboard -------------------------------------------------------------------------------


def test_dashboard_shows_one_panel_per_role_with_its_organizations(client):
    person = UserFactory(real_name="赵强")
    employer = OrganizationFactory(name="北京智源科技有限公司")
    society = OrganizationFactory(name="北京电子学会", learned_society=True)
    role_assignment(person, Role.PANEL_EXPERT)
    role_assignment(person, Role.EMPLOYER_REVIEWER, employer)
    role_assignment(person, Role.EMPLOYER_REVIEWER, society)
    sign_in_verified(client, person)

    html = client.get("/dashboard/").content.decode()

    import re

    panels = re.findall(r'<h2 id="role-([a-z_]+)-title">([^<]+)</h2>', html)
    assert panels == [("employer_reviewer", "用人单位审核人"), ("panel_expert", "评议组专家")]
    assert re.findall(r'<li class="role-organization">([^<]+)</li>', html) == [
        "北京智源科技有限公司",
        "北京电子学会",
    ]
    # Each panel is filled by its stage: the employer's queue, the expert's assessments.
    assert "目前没有需要您处理的事项。" not in html
    assert "0 份申报等待您的评议意见。" in html


def test_dashboard_without_a_role_says_nothing_needs_attention(client):
    client.force_login(UserFactory(real_name="王五"))
    html = client.get("/dashboard/").content.decode()
    assert "欢迎，王五。" in html
    assert "目前没有需要您处理的事项。" in html
    assert "您目前尚未担任任何角色。" in html
    assert "role-panel" not in html


def test_dashboard_query_count_does_not_grow_with_roles(client, django_assert_num_queries):
    few, many = UserFactory(), UserFactory()
    role_assignment(few, Role.PANEL_EXPERT)
    role_assignment(few, Role.EMPLOYER_REVIEWER, OrganizationFactory())
    role_assignment(few, Role.AGENCY_STAFF, OrganizationFactory(evaluation_agency=True))
    for _ in range(3):
        role_assignment(many, Role.EMPLOYER_REVIEWER, OrganizationFactory())
    role_assignment(many, Role.PANEL_EXPERT)
    role_assignment(many, Role.AGENCY_STAFF, OrganizationFactory(evaluation_agency=True))
    counts = []
    for user in (few, many):
        sign_in_verified(client, user)
        client.get("/dashboard/")  # warm the per-process content type cache
        # session, user (with its role names and unread count), device, roles, the employer's
        # organizations and queue count, the agency's counts, the expert's queue (still to
        # write, how many, then submitted), and "My organizations": the organizations, their
        # running internal notices, the person's waiting requests to join
        with django_assert_num_queries(13) as captured:
            client.get("/dashboard/")
        counts.append(len(captured))
    assert counts == [13, 13]


def test_a_stage_fills_its_role_panel(client, monkeypatch):
    from portal import views as portal_views
    from titles.pages import Section

    person = person_with_role(Role.PANEL_EXPERT)
    monkeypatch.setitem(
        portal_views.ROLE_PANELS,
        Role.PANEL_EXPERT,
        lambda user: Section("titles/includes/timeline.html", {"events": []}),
    )
    sign_in_verified(client, person)
    html = client.get("/dashboard/").content.decode()
    assert "暂无记录。" in html
    assert "目前没有需要您处理的事项。" not in html


# --- Admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    sign_in_verified(client, superuser)
    client.superuser = superuser
    return client


def test_admin_pages_load_for_a_superuser(admin_client):
    employer = OrganizationFactory()
    person = UserFactory(id_number="11010519491231002X")
    assignment = role_assignment(person, Role.EMPLOYER_REVIEWER, employer)
    from tests.factories import discipline_of

    discipline = discipline_of()
    for url in [
        "/admin/",
        "/admin/titles/organization/",
        "/admin/titles/organization/add/",
        f"/admin/titles/organization/{employer.pk}/change/",
        "/admin/titles/user/",
        "/admin/titles/user/add/",
        f"/admin/titles/user/{person.pk}/change/",
        "/admin/titles/roleassignment/",
        "/admin/titles/roleassignment/add/",
        f"/admin/titles/roleassignment/{assignment.pk}/change/",
        "/admin/titles/titleseries/",
        "/admin/titles/titleseries/add/",
        f"/admin/titles/titleseries/{discipline.series.pk}/change/",
        "/admin/titles/discipline/",
        "/admin/titles/discipline/add/",
        f"/admin/titles/discipline/{discipline.pk}/change/",
    ]:
        response = admin_client.get(url)
        assert (url, response.status_code) == (url, 200)


def test_admin_shows_the_id_number_masked(admin_client):
    person = UserFactory(id_number="11010519491231002X")
    change = admin_client.get(f"/admin/titles/user/{person.pk}/change/").content.decode()
    listing = admin_client.get("/admin/titles/user/").content.decode()
    for html in (change, listing):
        assert "110***********002X" in html
        assert "11010519491231002X" not in html
    found = admin_client.get("/admin/titles/user/", {"q": "11010519491231002x"}).content.decode()
    assert f"/admin/titles/user/{person.pk}/change/" in found


def user_add_data(**overrides) -> dict:
    data = {
        "username": "newperson",
        "real_name": "新同事",
        "email": "new@example.cn",
        "phone": "13900139000",
        "id_number": "",
        "usable_password": "true",
        "password1": "a-Strong-passphrase-2026",
        "password2": "a-Strong-passphrase-2026",
        "role_assignments-TOTAL_FORMS": "0",
        "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
        "_save": "1",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        ("11010519491231", "居民身份证号码应为18位，当前输入为14位。"),
        ("11010519491231002A", "身份证号码只能由数字组成，仅最后一位可以是字母X。"),
        ("110105194913310011", "第7至14位应为真实的出生日期（年年年年月月日日）。"),
        ("110105194912310021", "最后一位校验码与前17位不符，请检查是否输入有误。"),
    ],
)
def test_admin_add_person_rejects_a_bad_id_number(admin_client, id_number, message):
    count = User.objects.count()
    response = admin_client.post("/admin/titles/user/add/", user_add_data(id_number=id_number))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert User.objects.count() == count
    assert AuditEvent.objects.count() == 0


def test_admin_add_person_with_id_number_and_role_goes_through_the_services(admin_client):
    employer = OrganizationFactory()
    response = admin_client.post(
        "/admin/titles/user/add/",
        user_add_data(
            id_number="11010519491231002x",
            **{
                "role_assignments-TOTAL_FORMS": "1",
                "role_assignments-0-role": "employer_reviewer",
                "role_assignments-0-organization": str(employer.pk),
            },
        ),
    )
    assert response.status_code == 302
    person = User.objects.get(username="newperson")
    assert person.id_number == "11010519491231002X"
    assert list(organizations_reviewable_by(person)) == [employer]
    assert [(action, object_type) for action, object_type, _id, _data in events_since(0)] == [
        ("person.create", "titles.user"),
        ("person.set_id_number", "titles.user"),
        ("role.grant", "titles.user"),
        ("permission.assign", "titles.organization"),
        ("permission.assign", "titles.organization"),
    ]
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {admin_client.superuser.pk}


def test_admin_add_person_rejects_a_taken_id_number_and_a_wrong_organization(admin_client):
    UserFactory(id_number="11010519491231002X")
    agency = OrganizationFactory(evaluation_agency=True)
    response = admin_client.post(
        "/admin/titles/user/add/",
        user_add_data(
            id_number="11010519491231002X",
            **{
                "role_assignments-TOTAL_FORMS": "1",
                "role_assignments-0-role": "employer_reviewer",
                "role_assignments-0-organization": str(agency.pk),
            },
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "该身份证号码已被其他账号登记。" in html
    assert "用人单位审核人只能代表用人单位、行业协会、学会或区人力资源和社会保障局。" in html
    assert not User.objects.filter(username="newperson").exists()


def test_admin_change_person_revokes_a_role_through_the_service(admin_client):
    employer = OrganizationFactory()
    person = person_with_role(Role.EMPLOYER_REVIEWER, employer, username="reviewer")
    assignment = RoleAssignment.objects.get(user=person)
    start = last_event_id()
    response = admin_client.post(
        f"/admin/titles/user/{person.pk}/change/",
        {
            "username": "reviewer",
            "real_name": person.real_name,
            "email": person.email,
            "phone": "",
            "preferred_language": "zh-hans",
            "id_number": "",
            "is_active": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "1",
            "role_assignments-MIN_NUM_FORMS": "0",
            "role_assignments-MAX_NUM_FORMS": "1000",
            "role_assignments-0-id": str(assignment.pk),
            "role_assignments-0-user": str(person.pk),
            "role_assignments-0-role": "employer_reviewer",
            "role_assignments-0-organization": str(employer.pk),
            "role_assignments-0-DELETE": "on",
            "_save": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert user_roles(person) == set()
    assert get_perms(person, employer) == []
    assert [action for action, *_ in events_since(start)] == [
        "role.revoke",
        "permission.remove",
        "permission.remove",
    ]


def test_admin_role_assignment_add_and_delete_use_the_services(admin_client):
    person = UserFactory()
    agency = OrganizationFactory(evaluation_agency=True)
    employer = OrganizationFactory()

    refused = admin_client.post(
        "/admin/titles/roleassignment/add/",
        {"user": person.pk, "role": "agency_staff", "organization": employer.pk, "_save": "1"},
    )
    assert refused.status_code == 200
    assert "评价服务机构工作人员只能代表评价服务机构。" in refused.content.decode()
    assert RoleAssignment.objects.count() == 0

    granted = admin_client.post(
        "/admin/titles/roleassignment/add/",
        {"user": person.pk, "role": "agency_staff", "organization": agency.pk, "_save": "1"},
    )
    assert granted.status_code == 302
    assignment = RoleAssignment.objects.get(user=person)
    assert (assignment.role, assignment.organization, assignment.granted_by) == (
        "agency_staff",
        agency,
        admin_client.superuser,
    )
    assert user_roles(person) == {Role.AGENCY_STAFF}
    assert get_perms(person, agency) == ["act_for_organization"]

    deleted = admin_client.post(
        f"/admin/titles/roleassignment/{assignment.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert user_roles(person) == set()
    assert get_perms(person, agency) == []
    assert [action for action, *_ in events_since(0)] == [
        "role.grant",
        "permission.assign",
        "role.revoke",
        "permission.remove",
    ]


def test_admin_organization_add_goes_through_the_service(admin_client):
    response = admin_client.post(
        "/admin/titles/organization/add/",
        {
            "name": "北京市朝阳区人力资源和社会保障局",
            "name_en": "",
            "kind": "district_hr_bureau",
            "district": "",
            "unified_social_credit_code": "",
            "active": "on",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-MIN_NUM_FORMS": "0",
            "role_assignments-MAX_NUM_FORMS": "0",
            "_save": "1",
        },
    )
    assert response.status_code == 200
    assert "请选择该人力资源和社会保障局所服务的区。" in response.content.decode()
    assert Organization.objects.count() == SHIPPED_ORGANIZATIONS

    response = admin_client.post(
        "/admin/titles/organization/add/",
        {
            "name": "北京市朝阳区人力资源和社会保障局",
            "name_en": "Chaoyang District Bureau of HR and Social Security",
            "kind": "district_hr_bureau",
            "district": "chaoyang",
            "unified_social_credit_code": "",
            "active": "on",
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
            "role_assignments-MIN_NUM_FORMS": "0",
            "role_assignments-MAX_NUM_FORMS": "0",
            "_save": "1",
        },
    )
    assert response.status_code == 302
    organization = Organization.objects.get(kind="district_hr_bureau")
    assert (organization.district, organization.unified_social_credit_code) == ("chaoyang", None)
    assert events_since(0) == [
        (
            "organization.create",
            "titles.organization",
            str(organization.pk),
            {"name": "北京市朝阳区人力资源和社会保障局", "kind": "district_hr_bureau"},
        )
    ]


def test_bureau_staff_manage_organizations_in_the_admin_and_lose_it_with_the_role(client):
    bureau = OrganizationFactory(municipal_bureau=True)
    person = UserFactory(real_name="孙丽")
    assignment = role_assignment(person, Role.BUREAU_STAFF, bureau)
    person = User.objects.get(pk=person.pk)
    assert person.is_staff is True
    sign_in_verified(client, person)
    assert client.get("/admin/titles/organization/").status_code == 200
    assert client.get("/admin/titles/discipline/").status_code == 200
    assert client.get("/admin/applications/checklistitem/").status_code == 200
    assert client.get("/admin/auth/group/").status_code == 403
    role_revoke(assignment=assignment, actor=None)
    assert User.objects.get(pk=person.pk).is_staff is False
