"""Organizations that register themselves, invitations, requests to join, members' notices
(issue 21), and the reference data a database made by ``migrate`` alone holds."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from applications import services as application_services
from applications.enums import ApplicationState, Category
from applications.models import ChecklistItem
from tests.applications.factories import application_in
from tests.bureau.factories import bureau_staff
from tests.factories import UserFactory, role_assignment
from titles.audit import AuditEvent
from titles.enums import JoinRequestStatus, OrganizationKind, OrganizationStatus, Role
from titles.errors import NotAllowed, RuleViolation
from titles.models import (
    Discipline,
    Membership,
    Notification,
    Organization,
    OutboxEmail,
    TitleSeries,
)
from titles.models.people import credit_code_check_character
from titles.people import (
    invitation_accept,
    is_member_of,
    join_request_create,
    join_request_decide,
    organization_approve,
    organization_invite,
    organization_invite_to_register,
    organization_refuse,
    organization_register,
    organizations_reviewable_by,
    user_roles,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The services' messages are read in English here (the pages' tests read both)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def credit_code(serial: str = "MA01ABCD") -> str:
    first17 = f"911101085{serial}"[:17].ljust(17, "0")
    return first17 + credit_code_check_character(first17)


def registered(reviewer=None, **values):
    reviewer = reviewer or UserFactory(email="hr@zhiyuan.example.cn")
    return organization_register(
        name=values.pop("name", "北京星河科技有限公司"),
        kind=values.pop("kind", OrganizationKind.EMPLOYER),
        unified_social_credit_code=values.pop("code", credit_code()),
        hr_email=values.pop("hr_email", "hr@zhiyuan.example.cn"),
        reviewer=reviewer,
        **values,
    )


def approved_employer():
    organization = registered()
    organization_approve(organization=organization, actor=bureau_staff())
    organization.refresh_from_db()
    return organization, organization.registered_by


# --- reference data ---------------------------------------------------------------------------


def test_a_migrated_database_has_series_disciplines_checklists_bureau_and_agency():
    assert TitleSeries.objects.filter(active=True).count() == 18
    assert Discipline.objects.get(code="ai").series.code == "eng"
    assert Discipline.objects.filter(active=True).count() == 35
    every = ChecklistItem.objects.filter(category="")
    assert every.count() == 4
    for category in Category.values:
        assert ChecklistItem.objects.filter(category=category).count() == 2
    assert sorted(Organization.objects.values_list("kind", flat=True)) == [
        "evaluation_agency",
        "municipal_bureau",
    ]


def test_checklist_item_reads_in_the_readers_language():
    from django.utils import translation

    item = ChecklistItem.objects.get(category="high_level", order=120)

    with translation.override("en"):
        assert item.label == "Recommended by the chief officer of the applicant's organization"
    with translation.override("zh-hans"):
        assert item.label == "由申报人所在单位主要负责人推荐"


# --- registration -----------------------------------------------------------------------------


def test_register_leaves_the_organization_pending_and_tells_the_bureau():
    staff = bureau_staff()
    reviewer = UserFactory(real_name="周红")
    organization = registered(reviewer)
    assert (organization.status, organization.registered_by, organization.active) == (
        OrganizationStatus.PENDING,
        reviewer,
        True,
    )
    assert user_roles(reviewer) == set()
    assert not is_member_of(reviewer, organization.pk)
    assert list(Notification.objects.values_list("recipient", "kind")) == [
        (staff.pk, "organization_registered")
    ]
    assert AuditEvent.objects.filter(action="organization.register").count() == 1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "91110108MA01ABCD0",
            "A unified social credit code has 18 characters: digits and capital letters other "
            "than I, O, S, V and Z.",
        ),
        (
            "91110108MA01ABCDE" + "0",
            "The last character of the unified social credit code does not match its check.",
        ),
    ],
)
def test_register_refuses_a_wrong_credit_code_and_writes_nothing(code, message):
    if len(code) == 18 and credit_code_check_character(code[:17]) == code[17]:
        code = code[:17] + "1"
    with pytest.raises(ValidationError) as caught:
        registered(code=code)
    assert caught.value.message_dict["unified_social_credit_code"] == [message]
    assert not Organization.objects.filter(status=OrganizationStatus.PENDING).exists()
    assert not AuditEvent.objects.filter(action="organization.register").exists()


def test_only_employers_and_recommending_bodies_register():
    with pytest.raises(ValidationError):
        registered(kind=OrganizationKind.EVALUATION_AGENCY)


def test_a_pending_organization_cannot_be_chosen_in_an_application():
    from applications.forms import CategoryForm

    organization = registered()
    assert organization not in CategoryForm().fields["employer"].queryset


def test_approve_makes_the_registrant_reviewer_and_member_and_tells_them():
    organization, reviewer = approved_employer()
    assert organization.status == OrganizationStatus.APPROVED
    assert list(organizations_reviewable_by(reviewer)) == [organization]
    assert Role.EMPLOYER_REVIEWER in user_roles(reviewer)
    assert is_member_of(reviewer, organization.pk)
    assert Notification.objects.filter(recipient=reviewer, kind="organization_approved").exists()


def test_refuse_needs_a_reason_keeps_it_and_tells_the_registrant_and_hr():
    organization = registered(hr_email="renshi@xinghe.example.cn")
    staff = bureau_staff()
    with pytest.raises(RuleViolation) as caught:
        organization_refuse(organization=organization, actor=staff, reason="  ")
    assert caught.value.message == "Give the reason for refusing the registration."
    organization_refuse(
        organization=organization, actor=staff, reason="统一社会信用代码与名称不符。"
    )
    organization.refresh_from_db()
    assert (
        organization.name,
        organization.status,
        organization.refusal_reason,
        organization.active,
        organization.unified_social_credit_code,
    ) == (
        "北京星河科技有限公司",
        OrganizationStatus.REFUSED,
        "统一社会信用代码与名称不符。",
        False,
        None,
    )
    assert Notification.objects.filter(
        recipient=organization.registered_by, kind="organization_refused"
    ).exists()
    assert OutboxEmail.objects.filter(
        to_address="renshi@xinghe.example.cn", kind="organization_refused"
    ).exists()
    # its name and code are free for a corrected registration
    registered(reviewer=UserFactory())
    with pytest.raises(RuleViolation):
        organization_approve(organization=organization, actor=staff)


def test_only_bureau_staff_decide_registrations():
    organization = registered()
    with pytest.raises(NotAllowed):
        organization_approve(organization=organization, actor=organization.registered_by)
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.PENDING


# --- invitations and requests ------------------------------------------------------------------


def test_reviewer_invites_a_colleague_who_accepts_with_the_invited_address():
    organization, reviewer = approved_employer()
    invitation, token = organization_invite(
        organization=organization,
        actor=reviewer,
        email="Colleague@Xinghe.example.cn",
        role="member",
    )
    email = OutboxEmail.objects.get(kind="organization_invitation")
    assert email.to_address == "colleague@xinghe.example.cn"
    assert f"/organizations/invitations/{token}/" in email.body
    assert token not in invitation.token_hash
    stranger = UserFactory(email="other@example.cn")
    with pytest.raises(RuleViolation) as caught:
        invitation_accept(token=token, user=stranger)
    assert "another email address" in caught.value.message
    colleague = UserFactory(email="colleague@xinghe.example.cn")
    invitation_accept(token=token, user=colleague)
    assert is_member_of(colleague, organization.pk)
    assert Membership.objects.get(user=colleague).via == "invitation"
    assert Role.EMPLOYER_REVIEWER not in user_roles(colleague)
    with pytest.raises(RuleViolation) as caught:
        invitation_accept(token=token, user=colleague)
    assert caught.value.message == "This invitation has already been accepted."


def test_an_invited_reviewer_becomes_reviewer():
    organization, reviewer = approved_employer()
    _invitation, token = organization_invite(
        organization=organization, actor=reviewer, email="second@example.cn", role="reviewer"
    )
    second = UserFactory(email="second@example.cn")
    invitation_accept(token=token, user=second)
    assert list(organizations_reviewable_by(second)) == [organization]


def test_only_its_reviewers_invite_to_an_organization():
    organization, _reviewer = approved_employer()
    with pytest.raises(NotAllowed):
        organization_invite(
            organization=organization, actor=UserFactory(), email="x@example.cn", role="member"
        )


def test_an_expired_invitation_is_refused():
    organization, reviewer = approved_employer()
    invitation, token = organization_invite(
        organization=organization, actor=reviewer, email="late@example.cn", role="member"
    )
    invitation.expires_at = timezone.now() - timezone.timedelta(seconds=1)
    invitation.save(update_fields=["expires_at"])
    with pytest.raises(RuleViolation) as caught:
        invitation_accept(token=token, user=UserFactory(email="late@example.cn"))
    assert caught.value.message == "This invitation has expired. Ask for a new one."


def test_join_request_confirmed_makes_a_member_refused_does_not():
    organization, reviewer = approved_employer()
    asker, other = UserFactory(), UserFactory()
    join_request = join_request_create(user=asker, organization=organization, note="研发中心")
    assert join_request_create(user=asker, organization=organization) == join_request
    assert Notification.objects.filter(recipient=reviewer, kind="join_request_created").exists()
    join_request_decide(join_request=join_request, actor=reviewer, confirm=True)
    assert is_member_of(asker, organization.pk)
    refused = join_request_create(user=other, organization=organization)
    join_request_decide(join_request=refused, actor=reviewer, confirm=False)
    refused.refresh_from_db()
    assert refused.status == JoinRequestStatus.REFUSED
    assert not is_member_of(other, organization.pk)
    with pytest.raises(RuleViolation):
        join_request_decide(join_request=refused, actor=reviewer, confirm=True)


def test_a_pending_organization_cannot_be_joined():
    organization = registered()
    with pytest.raises(RuleViolation):
        join_request_create(user=UserFactory(), organization=organization)


def test_a_member_sees_the_internal_notice_and_objects_under_their_name():
    from applications.selectors import internal_notices_running_for

    organization, reviewer = approved_employer()
    application = application_in(ApplicationState.INTERNAL_NOTICE, employer=organization)
    colleague = UserFactory(real_name="王磊")
    assert list(internal_notices_running_for(colleague, now=timezone.now())) == []
    join_request_decide(
        join_request=join_request_create(user=colleague, organization=organization),
        actor=reviewer,
        confirm=True,
    )
    notice = application.internal_notice
    assert list(internal_notices_running_for(colleague, now=timezone.now())) == [notice]
    objection = application_services.internal_objection_raise(
        notice=notice, actor=colleague, real_name="王磊", statement="业绩材料与事实不符。"
    )
    assert (objection.objector, objection.objector_real_name) == (colleague, "王磊")


def test_invite_employer_to_register_emails_its_hr_department():
    applicant = UserFactory(real_name="张明")
    role_assignment(applicant, Role.APPLICANT)
    organization_invite_to_register(
        actor=applicant, organization_name="北京星河科技有限公司", hr_email="hr@xinghe.example.cn"
    )
    email = OutboxEmail.objects.get(kind="organization_register_invitation")
    assert email.to_address == "hr@xinghe.example.cn"
    assert "/organizations/register/" in email.body
    assert "北京星河科技有限公司" in email.body
    with pytest.raises(ValidationError):
        organization_invite_to_register(
            actor=applicant, organization_name="某公司", hr_email="not-an-address"
        )


def test_bureau_staff_grant_makes_the_installations_first_bureau_staff_member():
    from django.core.management import CommandError, call_command

    person = UserFactory(username="sunli")
    call_command("bureau_staff_grant", "sunli")
    assert Role.BUREAU_STAFF in user_roles(person)
    assert person.role_assignments.get().organization.kind == OrganizationKind.MUNICIPAL_BUREAU
    with pytest.raises(CommandError):
        call_command("bureau_staff_grant", "nobody")


def test_approving_writes_exactly_these_audit_events_in_order():
    organization = registered()
    staff = bureau_staff()
    first = AuditEvent.objects.order_by("-pk").first().pk
    organization_approve(organization=organization, actor=staff)
    assert list(
        AuditEvent.objects.filter(pk__gt=first)
        .order_by("pk")
        .values_list("action", "object_type", "actor")
    ) == [
        ("organization.approve", "titles.organization", staff.pk),
        ("role.grant", "titles.user", staff.pk),
        ("permission.assign", "titles.organization", staff.pk),
        ("permission.assign", "titles.organization", staff.pk),
        ("membership.create", "titles.organization", staff.pk),
    ]


def test_the_dashboard_shows_the_notices_ending_first_and_links_to_every_one(
    client, django_assert_num_queries
):
    """A large employer runs many notices at once: the panel shows five, the page every one,
    fifty at a time, in the same number of queries whatever their number (issue #26)."""
    organization, reviewer = approved_employer()
    member = UserFactory(real_name="王磊")
    join_request_decide(
        join_request=join_request_create(user=member, organization=organization),
        actor=reviewer,
        confirm=True,
    )
    applications = [
        application_in(ApplicationState.INTERNAL_NOTICE, employer=organization) for _ in range(6)
    ]
    ending = sorted(applications, key=lambda a: (a.internal_notice.ends_at, a.internal_notice.pk))
    client.force_login(member)
    page = client.get("/dashboard/").content.decode()
    shown = [a for a in applications if f"/applications/{a.pk}/notice/" in page]
    assert shown == [a for a in applications if a in ending[:5]]
    assert 'href="/notices/internal/"' in page

    every = client.get("/notices/internal/").content.decode()
    assert all(f"/applications/{a.pk}/notice/" in every for a in applications)
    assert "pagination" not in every  # one page of six

    from applications.views_employer import INTERNAL_NOTICES_PER_PAGE

    with django_assert_num_queries(6):
        client.get("/dashboard/")

    for _ in range(INTERNAL_NOTICES_PER_PAGE - 5):
        application_in(ApplicationState.INTERNAL_NOTICE, employer=organization)
    second = client.get("/notices/internal/?page=2").content.decode()
    assert second.count('/notice/"') == 1 and "pagination" in second
    with django_assert_num_queries(6):
        client.get("/dashboard/")
