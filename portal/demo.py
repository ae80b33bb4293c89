"""Demo applications in several states, for ``manage.py seed_demo`` (safe to run twice)."""

import io
import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

from applications import services
from applications.enums import (
    EXPERTS_REQUIRED,
    HEAD_KIND_FOR_CATEGORY,
    REQUIRED_SLOTS,
    ApplicationState,
    Category,
    RecommenderKind,
    RecommenderStatus,
    TitleLevel,
)
from applications.models import (
    Application,
    InternalNotice,
    Material,
    MaterialVersion,
    Recommender,
)
from applications.services.employer import internal_notices_sweep
from bureau.models import PublicNotice
from bureau.services import public_notice_publish, public_notices_sweep
from certificates.services import certificate_issue
from committee import selectors as committee_selectors
from committee import services as committee_services
from committee.enums import Choice, MeetingStatus
from committee.models import Committee, Meeting
from review import services as review_services
from review.enums import Dimension, Recommendation
from review.models import Panel
from titles.audit import audit_record
from titles.enums import Role
from titles.id_numbers import id_number_check_character
from titles.models import Discipline, User
from titles.people import person_set_id_number, role_grant, user_organizations

SUMMARY = {
    "academic_proficiency": "长期从事大模型推理优化研究，在国际顶级会议发表论文十余篇。",
    "professional_competence": "主持国家重点研发计划项目，带领三十人研发团队。",
    "work_achievements": "研发的推理引擎服务超过一千万用户，获北京市科学技术奖一等奖。",
    "performance_contributions": "成果在本市三家企业转化应用，新增产值逾十亿元。",
}
# (username, real name, state): the demo applicant's own application is complete and submitted.
DEMO_APPLICANTS = [
    ("applicant", "张明", ApplicationState.EMPLOYER_REVIEW),
    ("applicant2", "李娜", ApplicationState.INTERNAL_NOTICE),
    ("applicant3", "陈晨", ApplicationState.DRAFT),
]


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _demo_applicant(username: str, real_name: str, *, password: str, employer) -> User:
    """A demo applicant (with a phone number), the applicant role at ``employer``; once."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"real_name": real_name, "email": f"{username}@example.cn", "phone": ""},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    if not user.phone:
        user.phone = "13800138000"
        user.save(update_fields=["phone"])
    role_grant(user=user, role=Role.APPLICANT, organization=employer, actor=None)
    return user


def _demo_draft(user: User, *, employer, discipline: Discipline) -> Application:
    """A demo draft with the achievements filled in (audited as started)."""
    application = Application.objects.create(
        applicant=user,
        category=Category.HIGH_LEVEL,
        employer=employer,
        department="研发中心",
        title_series=discipline.series,
        discipline=discipline,
        level=TitleLevel.FULL_SENIOR,
        **SUMMARY,
    )
    audit_record(actor=user, action="application.create", obj=application, to_state="draft")
    return application


def _id_number_record(user: User, application: Application) -> None:
    """A demo resident ID number (with its right check character), once per person."""
    if not user.id_number_hash:
        first17 = f"11010819880101{application.pk % 1000:03d}"
        person_set_id_number(
            user=user, id_number=first17 + id_number_check_character(first17), actor=None
        )


def _complete(application: Application, pdf: bytes) -> None:
    for slot in REQUIRED_SLOTS[Category(application.category)]:
        material = Material.objects.create(application=application, slot=slot)
        version = MaterialVersion(
            material=material,
            number=1,
            original_name="证明材料.pdf",
            kind="pdf",
            size=len(pdf),
            sha256="",
            uploaded_by=application.applicant,
        )
        version.file.save(f"{secrets.token_hex(16)}.pdf", ContentFile(pdf), save=False)
        version.save()
    names = ["李教授", "王研究员", "赵总工"]
    for index in range(EXPERTS_REQUIRED + 1):
        head = index == EXPERTS_REQUIRED
        Recommender.objects.create(
            application=application,
            kind=RecommenderKind.HEAD if head else RecommenderKind.EXPERT,
            head_kind=HEAD_KIND_FOR_CATEGORY[Category(application.category)] if head else "",
            name="孙总经理" if head else names[index],
            email=f"recommender{index}.{application.pk}@example.cn",
            organization_name="北京智源科技有限公司" if head else "清华大学",
            stated_title="总经理" if head else "教授",
            status=RecommenderStatus.RESPONDED,
            token_nonce=secrets.token_hex(16),
            invited_at=timezone.now(),
            senior_title="" if head else "教授",
            senior_title_level="" if head else "full_senior",
            title_certificate_number="" if head else f"ZG-2010-{index:04d}",
            field="人工智能",
            opinion="该同志业绩突出，同意推荐。",
            responded_at=timezone.now(),
        )


def demo_applications_seed(*, password: str, employer_reviewer: User) -> list[str]:
    """Create the demo applicants' applications once; returns a line per application made."""
    discipline = Discipline.objects.filter(active=True).select_related("series").first()
    employer = user_organizations(employer_reviewer, Role.EMPLOYER_REVIEWER).first()
    if discipline is None or employer is None:
        return []
    pdf = _pdf()
    lines = []
    for username, real_name, state in DEMO_APPLICANTS:
        user = _demo_applicant(username, real_name, password=password, employer=employer)
        if Application.objects.filter(applicant=user).exists():
            continue
        application = _demo_draft(user, employer=employer, discipline=discipline)
        if state != ApplicationState.DRAFT:
            _complete(application, pdf)
            _id_number_record(user, application)
            services.application_submit(application=application, actor=user, declaration=True)
        if state == ApplicationState.INTERNAL_NOTICE:
            services.internal_notice_open(
                application=application,
                actor=employer_reviewer,
                text=services.internal_notice_text(
                    application,
                    ends_at=services.internal_notice_period(
                        published=timezone.now(), working_days=5
                    )[0],
                ),
            )
        final = Application.objects.get(pk=application.pk)
        lines.append(f"  {username:<10} {real_name}  {final.get_state_display()}")
    return lines


# The later stages: (username, real name, state the demo leaves the application in).
DEMO_LATER_APPLICANTS = [
    ("applicant4", "王磊", ApplicationState.PANEL_REVIEW),
    ("applicant5", "刘洋", ApplicationState.COMMITTEE_REVIEW),
    ("applicant6", "赵敏", ApplicationState.BUREAU_REVIEW),
    ("applicant7", "周杰", ApplicationState.PUBLIC_NOTICE),
    ("applicant8", "吴芳", ApplicationState.CERTIFIED),
]
DEMO_PAST_COMMITTEE = (
    ApplicationState.BUREAU_REVIEW,
    ApplicationState.PUBLIC_NOTICE,
    ApplicationState.CERTIFIED,
)
DEMO_PANEL_NAME = "工程技术系列高层次人才评议组"
DEMO_COMMITTEE_NAME = "北京市高层次人才职称评审委员会"


def demo_panel_and_committee_seed() -> None:
    """The demo series' panel (expert, expert2, expert3) and the committee (chairman, members)."""
    discipline = Discipline.objects.filter(active=True).select_related("series").first()
    experts = list(User.objects.filter(username__in=["expert", "expert2", "expert3"]))
    if discipline is not None and experts:
        panel, _created = Panel.objects.get_or_create(
            name=DEMO_PANEL_NAME, defaults={"title_series": discipline.series}
        )
        panel.members.add(*experts)
    chairman = User.objects.filter(username="chairman").first()
    if chairman is not None:
        committee, _created = Committee.objects.get_or_create(
            name=DEMO_COMMITTEE_NAME,
            defaults={
                "chairman": chairman,
                "name_en": "Beijing Senior Title Committee for High-level Talent",
            },
        )
        committee.members.add(*User.objects.filter(username__in=["member", "member2", "member3"]))


def _ran_its_course(model, pk: int, *, working_days: int) -> None:
    """Move a notice published just now into the past, as if its period had run (a demo cannot
    wait for working days to pass); its stage's own sweep then passes it."""
    now = timezone.now()
    model.objects.filter(pk=pk).update(
        published_at=now - timedelta(days=working_days * 2), ends_at=now - timedelta(minutes=1)
    )


def _through_the_employer(application, *, employer_reviewer, agency) -> Application:
    """Internal notice (run its course and passed by the sweep), the formal recommendation and
    the agency's eligibility review: each through its stage's service, as in real use."""
    ends_at = services.internal_notice_period(published=timezone.now(), working_days=5)[0]
    notice = services.internal_notice_open(
        application=application,
        actor=employer_reviewer,
        text=services.internal_notice_text(application, ends_at=ends_at),
    )
    _ran_its_course(InternalNotice, notice.pk, working_days=5)
    internal_notices_sweep(timezone.now())
    services.application_recommend(
        application=Application.objects.get(pk=application.pk),
        actor=employer_reviewer,
        opinion="该同志业绩突出，经公示无异议，同意推荐。",
    )
    return services.eligibility_accept(
        application=Application.objects.get(pk=application.pk),
        actor=agency,
        note="申报材料齐全，符合申报条件。",
    )


def _through_the_panel(application, *, experts, agency, opinions: bool) -> Application:
    """Three experts assigned; with ``opinions``, each confirms and submits: on to the committee."""
    for expert in experts:
        assignment = review_services.assignment_create(
            application=application, expert=expert, actor=agency
        )
        if opinions:
            assignment = review_services.assignment_confirm(assignment=assignment, actor=expert)
            values = {"recommendation": Recommendation.SUPPORT, "summary": "同意推荐。"}
            for index, dimension in enumerate(Dimension):
                values[f"score_{dimension.value}"] = 7 + index % 3
                values[f"justification_{dimension.value}"] = "成果突出，论据充分。"
            review_services.opinion_save(
                assignment=assignment, actor=expert, values=values, submit=True
            )
    return Application.objects.get(pk=application.pk)


def _held_meeting(committee, applications: list[Application]) -> None:
    """A meeting held today through the committee's services: the agenda, the roll (everyone
    present), a secret ballot on each application (all consent), closed, the minutes signed.
    The applications go on to the bureau with the committee's decision on record."""
    chairman = committee.chairman
    meeting = committee_services.meeting_create(
        committee=committee,
        actor=chairman,
        starts_at=timezone.now(),
        place="北京市人力资源和社会保障局第一会议室",
    )
    for application in applications:
        committee_services.agenda_add(meeting=meeting, application=application, actor=chairman)
    committee_services.meeting_open(meeting=meeting, actor=chairman)
    voters = committee_selectors.committee_voters(committee)
    committee_services.roll_call(
        meeting=meeting, actor=chairman, present_ids={voter.pk for voter in voters}
    )
    for item in meeting.items.order_by("position"):
        committee_services.ballot_open(item=item, actor=chairman)
        recused = committee_selectors.recused_member_ids(item)
        for voter in voters:
            if voter.pk not in recused:
                committee_services.ballot_cast(item=item, member=voter, choice=Choice.CONSENT)
        committee_services.ballot_close(item=item, actor=chairman)
    committee_services.meeting_close(meeting=meeting, actor=chairman)
    committee_services.minutes_sign(meeting=Meeting.objects.get(pk=meeting.pk), actor=chairman)


def demo_later_stages_seed(*, password: str, employer_reviewer: User) -> list[str]:
    """One application in each later stage, brought there the way the stages do (issue #22):
    the internal notice, the recommendation, eligibility, the panel's opinions, a committee
    meeting with its secret ballots and signed minutes, the public notice and the certificate,
    each through its own service, so that timelines and committee records are real. Notice
    periods are moved into the past rather than waited for. Skips applicants that already have
    an application."""
    discipline = Discipline.objects.filter(active=True).select_related("series").first()
    employer = user_organizations(employer_reviewer, Role.EMPLOYER_REVIEWER).first()
    agency = User.objects.filter(username="agency").first()
    bureau = User.objects.filter(username="bureau").first()
    experts = list(User.objects.filter(username__in=["expert", "expert2", "expert3"]))
    committee = Committee.objects.filter(name=DEMO_COMMITTEE_NAME).first()
    if None in (discipline, employer, agency, bureau, committee) or len(experts) < 3:
        return []
    pdf = _pdf()
    made: list[tuple[str, str, Application, str]] = []
    for username, real_name, state in DEMO_LATER_APPLICANTS:
        user = _demo_applicant(username, real_name, password=password, employer=employer)
        if Application.objects.filter(applicant=user).exists():
            continue
        application = _demo_draft(user, employer=employer, discipline=discipline)
        _complete(application, pdf)
        _id_number_record(user, application)
        services.application_submit(application=application, actor=user, declaration=True)
        application = _through_the_employer(
            Application.objects.get(pk=application.pk),
            employer_reviewer=employer_reviewer,
            agency=agency,
        )
        application = _through_the_panel(
            application,
            experts=experts,
            agency=agency,
            opinions=state != ApplicationState.PANEL_REVIEW,
        )
        made.append((username, real_name, application, state))
    # The committee: those past it were decided at a meeting held today; the one awaiting it is
    # on the agenda of a meeting a week ahead.
    decided = [app for _u, _n, app, state in made if state in DEMO_PAST_COMMITTEE]
    if decided:
        _held_meeting(committee, decided)
    for _username, _name, application, state in made:
        if state == ApplicationState.COMMITTEE_REVIEW:
            meeting = Meeting.objects.filter(
                committee=committee, status=MeetingStatus.SCHEDULED
            ).first() or committee_services.meeting_create(
                committee=committee,
                actor=committee.chairman,
                starts_at=timezone.now() + timedelta(days=7),
                place="北京市人力资源和社会保障局第一会议室",
            )
            committee_services.agenda_add(
                meeting=meeting, application=application, actor=committee.chairman
            )
    # The bureau: one notice still running; one that ran its course, passed by the bureau's own
    # sweep, and the certificate issued (with the committee and the approval date it names).
    for _username, _name, application, state in made:
        if state in (ApplicationState.PUBLIC_NOTICE, ApplicationState.CERTIFIED):
            notice = public_notice_publish(
                applications=[Application.objects.get(pk=application.pk)],
                actor=bureau,
                title="2026年第一批（演示）"
                if state == ApplicationState.PUBLIC_NOTICE
                else "2025年第四批（演示）",
            )
            if state == ApplicationState.CERTIFIED:
                _ran_its_course(PublicNotice, notice.pk, working_days=5)
                public_notices_sweep(timezone.now())
                certificate_issue(application_id=application.pk)
    lines = []
    for username, real_name, application, _state in made:
        final = Application.objects.get(pk=application.pk)
        lines.append(f"  {username:<10} {real_name}  {final.get_state_display()}")
    return lines
