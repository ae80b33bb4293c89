import pytest
import time_machine
from django.utils import timezone, translation

from applications.enums import ApplicationState, RecommenderKind
from applications.errors import NotAllowed, RuleViolation
from applications.models import Application
from portal.selectors import applications_visible_to
from review import services
from review.enums import AssignmentStatus
from review.models import Assignment, Opinion
from review.selectors import panel_summary
from tests.applications.factories import add_recommender, complete_application, organization
from tests.factories import role_assignment
from tests.review.factories import assigned, complete_values, expert, in_panel_review, staff
from titles.enums import Role
from titles.models import AuditEvent, Notification
from titles.sweep import sweep_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The services' messages compared in English (the Chinese catalogue has its own test)."""
    with translation.override("en"):
        yield


def fresh(application) -> Application:
    return Application.objects.get(pk=application.pk)


def sees(user, application) -> bool:
    return applications_visible_to(user).filter(pk=application.pk).exists()


# --- conflicts of interest refuse the assignment ----------------------------------------------


def test_assign_refuses_the_applicant_themself():
    application = in_panel_review()
    role_assignment(application.applicant, Role.PANEL_EXPERT)
    with pytest.raises(RuleViolation, match="is the applicant"):
        services.assignment_create(
            application=application, expert=application.applicant, actor=staff()
        )
    assert not Assignment.objects.exists()


def test_assign_refuses_an_expert_of_the_applicants_organization():
    application = in_panel_review()
    colleague = expert()
    role_assignment(colleague, Role.PANEL_EXPERT, application.employer)
    with pytest.raises(RuleViolation, match="belongs to the applicant's organization"):
        services.assignment_create(application=application, expert=colleague, actor=staff())
    assert not Assignment.objects.exists()


def test_assign_refuses_an_expert_of_a_freelancers_recommending_body():
    body = organization("industry_association")
    application = in_panel_review(is_freelancer=True, employer=None, recommending_body=body)
    member = expert()
    role_assignment(member, Role.PANEL_EXPERT, body)
    with pytest.raises(RuleViolation, match="belongs to the applicant's organization"):
        services.assignment_create(application=application, expert=member, actor=staff())


def test_assign_refuses_one_of_the_recommenders():
    application = in_panel_review()
    recommender = expert(email="li.recommender@example.cn")
    add_recommender(application, RecommenderKind.EXPERT, email="LI.Recommender@example.cn")
    with pytest.raises(RuleViolation, match="is one of the applicant's recommenders"):
        services.assignment_create(application=application, expert=recommender, actor=staff())
    assert not Assignment.objects.exists()


def test_assign_refuses_an_expert_who_declared_a_conflict():
    application = in_panel_review()
    assignment = assigned(application, confirmed=False)
    services.assignment_declare_conflict(
        assignment=assignment, actor=assignment.expert, reason="曾与申报人合作项目"
    )
    with pytest.raises(RuleViolation, match="declared a conflict"):
        services.assignment_create(application=application, expert=assignment.expert, actor=staff())


def test_assign_refuses_the_same_expert_twice_and_non_experts():
    application = in_panel_review()
    assignment = assigned(application)
    with pytest.raises(RuleViolation, match="already assigned"):
        services.assignment_create(application=application, expert=assignment.expert, actor=staff())
    with pytest.raises(RuleViolation, match="Only active panel experts"):
        services.assignment_create(application=application, expert=staff(), actor=staff())
    assert Assignment.objects.count() == 1


def test_only_staff_assign_and_only_in_panel_review():
    application = in_panel_review()
    with pytest.raises(NotAllowed):
        services.assignment_create(application=application, expert=expert(), actor=expert())
    eligible = complete_application(committee_review=True)
    with pytest.raises(NotAllowed):
        services.assignment_create(application=fresh(eligible), expert=expert(), actor=staff())
    assert not Assignment.objects.exists()


# --- access follows the assignment -----------------------------------------------------------


def test_assignment_grants_access_and_a_declared_conflict_revokes_it_at_once():
    application = in_panel_review()
    outsider = expert()
    assignment = assigned(application, confirmed=False)
    assert sees(assignment.expert, application)
    assert not sees(outsider, application)
    assert assignment.due_at is not None
    services.assignment_declare_conflict(
        assignment=assignment, actor=assignment.expert, reason="近亲属"
    )
    assert not sees(assignment.expert, application)
    released = Assignment.objects.get(pk=assignment.pk)
    assert released.status == AssignmentStatus.RELEASED
    assert released.conflict_reason == "近亲属"
    kinds = list(Notification.objects.values_list("kind", flat=True).order_by("pk"))
    assert kinds[0] == "panel_assigned"
    assert "panel_conflict_declared" in kinds


def test_declaring_a_conflict_needs_a_reason():
    assignment = assigned(in_panel_review(), confirmed=False)
    with pytest.raises(RuleViolation, match="conflict of interest is"):
        services.assignment_declare_conflict(
            assignment=assignment, actor=assignment.expert, reason=" "
        )
    assert Assignment.objects.get(pk=assignment.pk).status == AssignmentStatus.ASSIGNED


def test_replacing_a_late_expert_moves_access_to_the_new_one():
    application = in_panel_review()
    late = assigned(application)
    newcomer = expert()
    replacement = services.assignment_replace(assignment=late, actor=staff(), expert=newcomer)
    assert Assignment.objects.get(pk=late.pk).status == AssignmentStatus.REPLACED
    assert replacement.expert == newcomer
    assert not sees(late.expert, application)
    assert sees(newcomer, application)


def test_a_released_expert_is_not_replaced_but_another_assigned():
    application = in_panel_review()
    leaving = assigned(application, confirmed=False)
    services.assignment_declare_conflict(assignment=leaving, actor=leaving.expert, reason="同事")
    with pytest.raises(RuleViolation, match="assign another one"):
        services.assignment_replace(assignment=leaving, actor=staff(), expert=expert())
    assert Assignment.objects.count() == 1


def test_an_expert_who_submitted_cannot_be_replaced():
    application = in_panel_review()
    done = assigned(application)
    services.opinion_save(assignment=done, actor=done.expert, values=complete_values(), submit=True)
    with pytest.raises(RuleViolation, match="cannot be replaced"):
        services.assignment_replace(assignment=done, actor=staff(), expert=expert())
    assert Assignment.objects.get(pk=done.pk).status == AssignmentStatus.CONFIRMED


# --- opinions ---------------------------------------------------------------------------------


def test_writing_needs_the_conflict_check_first():
    assignment = assigned(in_panel_review(), confirmed=False)
    with pytest.raises(RuleViolation, match="no conflict of interest"):
        services.opinion_save(
            assignment=assignment, actor=assignment.expert, values=complete_values(), submit=False
        )
    assert not Opinion.objects.exists()


def test_only_the_assigned_expert_writes():
    assignment = assigned(in_panel_review())
    with pytest.raises(NotAllowed):
        services.opinion_save(
            assignment=assignment, actor=expert(), values=complete_values(), submit=True
        )
    assert not Opinion.objects.exists()


@pytest.mark.parametrize("score", [0, 11, -1, 100, True, "7", 7.5])
def test_scores_off_the_scale_are_refused(score):
    assignment = assigned(in_panel_review())
    with pytest.raises(RuleViolation, match="whole number from 1 to 10"):
        services.opinion_save(
            assignment=assignment,
            actor=assignment.expert,
            values=complete_values(score_academic=score),
            submit=False,
        )
    assert not Opinion.objects.exists()


@pytest.mark.parametrize(
    "missing", ["justification_competence", "summary", "recommendation", "score_contributions"]
)
def test_an_incomplete_opinion_saves_as_draft_but_is_not_submitted(missing):
    assignment = assigned(in_panel_review())
    values = complete_values(**{missing: None if missing.startswith("score") else "  "})
    with pytest.raises(RuleViolation, match="not complete"):
        services.opinion_save(
            assignment=assignment, actor=assignment.expert, values=values, submit=True
        )
    assert not Opinion.objects.exists()
    draft = services.opinion_save(
        assignment=assignment, actor=assignment.expert, values=values, submit=False
    )
    assert draft.submitted_at is None
    saved = Opinion.objects.get()
    assert saved.submitted_at is None
    assert saved.justification_academic == values["justification_academic"]


def test_a_submitted_opinion_cannot_change():
    assignment = assigned(in_panel_review())
    services.opinion_save(
        assignment=assignment, actor=assignment.expert, values=complete_values(), submit=True
    )
    for submit in (False, True):
        with pytest.raises(RuleViolation, match="can no longer be changed"):
            services.opinion_save(
                assignment=assignment,
                actor=assignment.expert,
                values=complete_values(summary="改了"),
                submit=submit,
            )
    assert Opinion.objects.get().summary == "同意推荐。"
    with pytest.raises(RuleViolation, match="can no longer be withdrawn"):
        services.assignment_declare_conflict(
            assignment=assignment, actor=assignment.expert, reason="x"
        )


# --- completion -------------------------------------------------------------------------------


def test_completion_happens_exactly_when_the_last_opinion_is_submitted():
    application = in_panel_review()
    experts = [assigned(application) for _ in range(3)]
    for index, assignment in enumerate(experts):
        assert fresh(application).state == ApplicationState.PANEL_REVIEW, index
        services.opinion_save(
            assignment=assignment,
            actor=assignment.expert,
            values=complete_values(),
            submit=False,
        )
        assert fresh(application).state == ApplicationState.PANEL_REVIEW, index
        services.opinion_save(
            assignment=assignment, actor=assignment.expert, values=complete_values(), submit=True
        )
    assert fresh(application).state == ApplicationState.COMMITTEE_REVIEW
    actions = list(
        AuditEvent.objects.filter(object_id=str(application.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == ["panel.opinion_submit", "application.complete_panel_review"]
    assert actions.count("panel.opinion_submit") == 3
    assert actions.count("application.complete_panel_review") == 1


def test_fewer_experts_than_required_do_not_complete_the_panel():
    application = in_panel_review()
    first, second = assigned(application), assigned(application)
    for assignment in (first, second):
        services.opinion_save(
            assignment=assignment, actor=assignment.expert, values=complete_values(), submit=True
        )
    assert fresh(application).state == ApplicationState.PANEL_REVIEW
    third = assigned(fresh(application))
    services.opinion_save(
        assignment=third, actor=third.expert, values=complete_values(), submit=True
    )
    assert fresh(application).state == ApplicationState.COMMITTEE_REVIEW


def test_a_released_expert_does_not_count_and_the_replacement_completes():
    application = in_panel_review()
    done = [assigned(application) for _ in range(2)]
    leaving = assigned(application, confirmed=False)
    for assignment in done:
        services.opinion_save(
            assignment=assignment, actor=assignment.expert, values=complete_values(), submit=True
        )
    services.assignment_declare_conflict(assignment=leaving, actor=leaving.expert, reason="同事")
    assert fresh(application).state == ApplicationState.PANEL_REVIEW
    replacement = assigned(fresh(application))
    services.opinion_save(
        assignment=replacement,
        actor=replacement.expert,
        values=complete_values(recommendation="oppose"),
        submit=True,
    )
    application = fresh(application)
    assert application.state == ApplicationState.COMMITTEE_REVIEW
    summary = panel_summary(application=application)
    assert summary.experts == 3
    assert (summary.supporters, summary.opponents) == (2, 1)
    assert [row.average for row in summary.dimensions] == [7.0, 8.0, 9.0, 7.0]
    assert leaving.expert not in [o.assignment.expert for o in summary.opinions]


def test_panel_summary_is_hidden_while_the_panel_works():
    application = in_panel_review()
    assignment = assigned(application)
    services.opinion_save(
        assignment=assignment, actor=assignment.expert, values=complete_values(), submit=True
    )
    assert panel_summary(application=fresh(application)) is None


# --- late experts -----------------------------------------------------------------------------


def test_late_experts_are_reminded_once_a_day():
    application = in_panel_review()
    assignment = assigned(application)
    due = Assignment.objects.get(pk=assignment.pk).due_at
    staff_member = staff()
    with time_machine.travel(due + timezone.timedelta(minutes=1)):
        first = [line for line in sweep_run().changes if line.startswith("application ")]
        again = [line for line in sweep_run().changes if line.startswith("application ")]
    assert first == [
        f"application {application.reference}: opinion of "
        f"{assignment.expert.display_name} overdue, reminded"
    ]
    assert again == []
    assert Notification.objects.filter(kind="panel_opinion_overdue").count() == 1
    assert (
        Notification.objects.filter(kind="panel_expert_late", recipient=staff_member).count() == 1
    )


@pytest.mark.django_db(transaction=True)
def test_the_last_two_opinions_submitted_at_once_complete_the_panel_once():
    from tests.applications.test_concurrency import race

    application = in_panel_review()
    first = assigned(application)
    services.opinion_save(
        assignment=first, actor=first.expert, values=complete_values(), submit=True
    )
    second, third = assigned(application), assigned(application)
    results = race(
        *[
            lambda a=a: services.opinion_save(
                assignment=a, actor=a.expert, values=complete_values(), submit=True
            )
            for a in (second, third)
        ]
    )
    assert all(isinstance(result, Opinion) for result in results), results
    assert fresh(application).state == ApplicationState.COMMITTEE_REVIEW
    assert (
        AuditEvent.objects.filter(
            object_id=str(application.pk), action="application.complete_panel_review"
        ).count()
        == 1
    )


def test_the_assignment_email_marks_a_provisional_due_date():
    """Issue #20: a due date over a year not yet official carries the mark in the email."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from titles.models import OutboxEmail

    with time_machine.travel(datetime(2026, 12, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        application = in_panel_review()
        assignment = assigned(application, confirmed=False, who=expert(preferred_language="en"))
    assert assignment.provisional is True
    due = timezone.localtime(assignment.due_at).strftime("%Y-%m-%d %H:%M")
    email = OutboxEmail.objects.get(kind="panel_assigned", recipient=assignment.expert)
    assert f"Your opinion is due by {due} (provisional)." in email.body
