import pytest
from django.utils import timezone

from applications.enums import ApplicationState
from bureau import permissions, selectors
from portal.selectors import applications_visible_to
from tests.applications.factories import complete_in
from tests.bureau.factories import approved, bureau_staff, on_notice
from tests.factories import UserFactory
from titles.enums import Role

pytestmark = pytest.mark.django_db
S = ApplicationState


def test_bureau_staff_see_the_panel_stages_and_past_the_committee_and_nothing_before():
    staff = bureau_staff()
    shown = {}
    for state in selectors.BUREAU_VISIBLE_STATES:
        shown[state] = complete_in(state).pk
    for state in (S.PANEL_REVIEW, S.COMMITTEE_REVIEW):  # they assign panel experts (review app)
        shown[state] = complete_in(state).pk
    complete_in(S.ELIGIBILITY_REVIEW)  # before the committee: hidden
    visible = set(applications_visible_to(staff).values_list("pk", flat=True))
    assert visible == set(shown.values())
    assert selectors.applications_visible_to_bureau(UserFactory(roles=[Role.AGENCY_STAFF])) is None


def test_running_notice_discloses_only_the_allowed_fields():
    application = approved()
    on_notice([application], bureau_staff())
    (notice,) = selectors.public_notices_running(now=timezone.now())
    (entry,) = notice.entries
    assert entry == selectors.DisclosedEntry(
        pk=application.public_notice_entry.pk,
        name=application.applicant.display_name,
        organization=str(application.employer),
        category="高层次人才",
        title_series="工程技术",
        discipline="人工智能",
        level="正高级",
    )


def test_permission_predicates():
    staff, other = bureau_staff(), UserFactory(roles=[Role.AGENCY_STAFF])
    application = approved()
    assert permissions.can_decide(staff, application) is True
    assert permissions.can_decide(other, application) is False
    assert permissions.can_decide_objection(staff, application) is False
    inactive = bureau_staff()
    inactive.is_active = False
    assert permissions.is_bureau_staff(inactive) is False
