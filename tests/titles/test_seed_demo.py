import pytest
from django.core.management import call_command

from titles.enums import Role
from titles.models import User


@pytest.mark.django_db
def test_seed_demo_twice_makes_one_user_per_role(capsys):
    call_command("seed_demo")
    first = capsys.readouterr().out
    call_command("seed_demo")
    second = capsys.readouterr().out
    assert "password for all: demo-pass-2026" in first
    assert first.count(" created") == 11
    assert second.count(" exists") == 11
    assert User.objects.count() == 18  # the demo roles, and seven more applicants
    expected = {Role.APPLICANT: 8, Role.PANEL_EXPERT: 3, Role.COMMITTEE_MEMBER: 3}
    for role in Role:
        assert User.objects.filter(groups__name=role.value).count() == expected.get(role, 1)
    assert User.objects.get(username="applicant").check_password("demo-pass-2026")


@pytest.mark.django_db
def test_seed_demo_ties_people_to_organizations_of_every_kind(capsys):
    from titles.enums import OrganizationKind
    from titles.id_numbers import id_number_validate
    from titles.models import AuditEvent, Discipline, Organization, RoleAssignment, TitleSeries
    from titles.people import organizations_reviewable_by, user_organizations

    call_command("seed_demo")
    events_after_first = AuditEvent.objects.count()
    call_command("seed_demo")
    out = capsys.readouterr().out

    assert AuditEvent.objects.count() == events_after_first  # the second run changes nothing
    # the bureau and the agency come with the migrations; seed_demo adds the other nine
    assert "Organizations: 11 (9 new)" in out
    assert "Organizations: 11 (0 new)" in out
    assert set(Organization.objects.values_list("kind", flat=True)) == set(OrganizationKind.values)
    assert RoleAssignment.objects.count() == 18
    employer = User.objects.get(username="employer")
    assert [o.name for o in organizations_reviewable_by(employer)] == ["北京智源科技有限公司"]
    assert [
        o.name for o in user_organizations(User.objects.get(username="agency"), "agency_staff")
    ] == ["北京市职称评审服务中心"]
    assert [
        o.name for o in user_organizations(User.objects.get(username="bureau"), "bureau_staff")
    ] == ["北京市人力资源和社会保障局"]
    applicant = User.objects.get(username="applicant")
    assert id_number_validate(applicant.id_number) == applicant.id_number == "110108199003071238"
    assert applicant.id_number_masked == "110***********1238"
    # the series and disciplines are the migrations' (seed_demo builds on them, adds none)
    assert TitleSeries.objects.count() == 18
    assert list(Discipline.objects.filter(series__code="eng").values_list("code", flat=True)) == [
        "ai",
        "bio-eng",
        "civil",
        "ei",
        "energy",
        "env",
        "ic",
        "mech",
    ]


@pytest.mark.django_db
def test_seed_demo_makes_applications_in_several_states_once(capsys):
    from applications.models import Application

    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert out.count("Demo applications:") == 1
    assert dict(Application.objects.values_list("applicant__username", "state")) == {
        "applicant": "employer_review",
        "applicant2": "internal_notice",
        "applicant3": "draft",
        "applicant4": "panel_review",
        "applicant5": "committee_review",
        "applicant6": "bureau_review",
        "applicant7": "public_notice",
        "applicant8": "certified",
    }


@pytest.mark.django_db
def test_seed_demo_shows_every_later_stage(capsys):
    from certificates.models import Certificate
    from committee.models import AgendaItem, Committee
    from review.models import Assignment, Opinion, Panel
    from titles.models import AuditEvent

    call_command("seed_demo")
    call_command("seed_demo")
    panel = Panel.objects.get()
    assert set(panel.members.values_list("username", flat=True)) == {"expert", "expert2", "expert3"}
    committee = Committee.objects.get()
    assert committee.chairman.username == "chairman"
    assert committee.members.count() == 3
    assert Assignment.objects.filter(application__applicant__username="applicant4").count() == 3
    # Issue #22: every application past the panel went through its stages' services.
    assert Opinion.objects.filter(submitted_at__isnull=False).count() == 3 * 4
    item = AgendaItem.objects.get(meeting__status="scheduled")
    assert item.application.applicant.username == "applicant5"
    decided = AgendaItem.objects.filter(meeting__status="closed", approved=True)
    assert sorted(decided.values_list("application__applicant__username", flat=True)) == [
        "applicant6",
        "applicant7",
        "applicant8",
    ]
    assert decided.first().meeting.minutes_signed_at is not None
    certificate = Certificate.objects.get()
    assert certificate.application.applicant.username == "applicant8"
    assert certificate.committee_name == committee.name
    assert certificate.approved_on is not None
    steps = list(
        AuditEvent.objects.filter(
            object_type="applications.application", object_id=str(certificate.application_id)
        )
        .filter(action__startswith="application.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert steps == [
        "application.create",
        "application.submit",
        "application.open_internal_notice",
        "application.pass_internal_notice",
        "application.recommend",
        "application.accept_eligible",
        "application.complete_panel_review",
        "application.committee_approve",
        "application.publish_notice",
        "application.pass_public_notice",
        "application.certify",
    ]
