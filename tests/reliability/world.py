"""One set of objects in every stage, and a user per role, for the authorization matrix."""

from dataclasses import dataclass, field

from applications.enums import RecommenderKind
from applications.services.recommenders import recommender_token
from bureau import services as bureau_services
from tests.applications.factories import ApplicationFactory, add_material, add_recommender
from tests.bureau.factories import approved, bureau_staff, on_notice
from tests.certificates.factories import issued
from tests.committee.factories import in_session
from tests.factories import UserFactory, role_assignment
from tests.review.factories import assigned, in_panel_review, staff
from titles.enums import Role
from titles.models import Notification

ROLES = (
    "anonymous",
    "applicant",  # owns the application
    "other_applicant",  # an applicant who does not
    "employer_reviewer",  # reviews for the application's employer
    "agency_staff",
    "panel_expert",  # assigned to the panel application
    "committee_member",
    "committee_chairman",
    "bureau_staff",
)


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)


def world_build() -> World:
    world = World()
    application = ApplicationFactory(employer_review=True)
    version = add_material(application, "id_card")
    recommender = add_recommender(application, RecommenderKind.EXPERT, responded=False)
    reviewer = UserFactory()
    role_assignment(reviewer, Role.EMPLOYER_REVIEWER, application.employer)
    other = UserFactory(roles=[Role.APPLICANT])
    ApplicationFactory(applicant=other)

    agency = staff()
    panel_application = in_panel_review()
    assignment = assigned(panel_application, by=agency)

    meeting, items, present, chairman = in_session(members=2)
    member = present[1]

    bureau = bureau_staff()
    notice = on_notice([approved()], bureau)
    entry = notice.entries.get()
    objection = bureau_services.public_objection_raise(
        entry=entry,
        real_name="赵六",
        contact="zhao@example.cn",
        statement="论文数据存疑。",
        client_ip="203.0.113.9",
    )
    special = bureau_services.special_issuance_propose(
        application=approved(), actor=bureau, reason="特殊情况：国家急需。"
    )
    certificate = issued()
    notification = Notification.objects.create(
        recipient=application.applicant, kind="test", context={}, url="/dashboard/"
    )
    world.users = {
        "anonymous": None,
        "applicant": application.applicant,
        "other_applicant": other,
        "employer_reviewer": reviewer,
        "agency_staff": agency,
        "panel_expert": assignment.expert,
        "committee_member": member,
        "committee_chairman": chairman,
        "bureau_staff": bureau,
    }
    world.objects = {
        "application": application,
        "version": version,
        "recommender": recommender,
        "token": recommender_token(recommender),
        "panel_application": panel_application,
        "assignment": assignment,
        "meeting": meeting,
        "item": items[0],
        "notice": notice,
        "entry": entry,
        "objection": objection,
        "special": special,
        "certificate": certificate,
        "notification": notification,
    }
    return world
