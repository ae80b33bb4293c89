"""Applications in every state, with real (tiny) files and recommenders who have responded."""

import io
import secrets
from datetime import timedelta

import factory
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfWriter

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
    SupplementItem,
    SupplementRequest,
)
from applications.services.versions import form_version_record
from bureau.models import PublicNotice, PublicNoticeEntry
from tests.factories import OrganizationFactory, UserFactory, discipline_of, id_number_valid
from titles import workdays
from titles.enums import OrganizationKind, Role
from titles.models import Organization


def pdf_bytes(width: int = 595) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=width, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def organization(kind: str = OrganizationKind.EMPLOYER, name: str | None = None) -> Organization:
    return OrganizationFactory(kind=kind, **({"name": name} if name else {}))


S = ApplicationState


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True  # the hook writes rows of its own, never the application

    applicant = factory.SubFactory(UserFactory, roles=[Role.APPLICANT])
    category = Category.HIGH_LEVEL
    employer = factory.SubFactory(OrganizationFactory)
    department = "研发中心"
    level = TitleLevel.FULL_SENIOR
    academic_proficiency = "在大模型推理方面取得突破。"
    professional_competence = "主持国家重点研发计划项目。"
    work_achievements = "产品服务千万用户。"
    performance_contributions = "带动产业产值十亿元。"

    @factory.lazy_attribute
    def discipline(self):
        return discipline_of()

    @factory.lazy_attribute
    def title_series(self):
        return self.discipline.series

    class Params:
        # One trait per state: ``ApplicationFactory(panel_review=True)``. Each fills what the
        # transitions into that state fill on the row (cumulatively, along the usual path);
        # ``stage_rows`` below adds the rows they write beside it (the internal notice, the
        # supplement request, the public notice entry).
        employer_review = factory.Trait(
            state=S.EMPLOYER_REVIEW,
            submitted_at=factory.LazyFunction(timezone.now),
            authenticity_declared_at=factory.LazyAttribute(lambda a: a.submitted_at),
        )
        returned = factory.Trait(employer_review=True, state=S.RETURNED)
        declined = factory.Trait(
            employer_review=True, state=S.DECLINED, decline_reason="不符合本单位推荐条件。"
        )
        internal_notice = factory.Trait(employer_review=True, state=S.INTERNAL_NOTICE)
        notice_passed = factory.Trait(internal_notice=True, state=S.NOTICE_PASSED)
        eligibility_review = factory.Trait(
            notice_passed=True,
            state=S.ELIGIBILITY_REVIEW,
            employer_opinion="该同志业绩突出，经公示无异议，予以推荐。",
            recommended_at=factory.LazyFunction(timezone.now),
            eligibility_due_at=factory.LazyAttribute(
                lambda a: (
                    workdays.deadline_compute(
                        start=timezone.localdate(a.recommended_at),
                        working_days=settings.ELIGIBILITY_REVIEW_WORKING_DAYS,
                    ).due_at
                )
            ),
        )
        supplement_requested = factory.Trait(eligibility_review=True, state=S.SUPPLEMENT_REQUESTED)
        ineligible = factory.Trait(
            eligibility_review=True, state=S.INELIGIBLE, ineligible_reason="不符合申报条件。"
        )
        withdrawn = factory.Trait(employer_review=True, state=S.WITHDRAWN)
        panel_review = factory.Trait(eligibility_review=True, state=S.PANEL_REVIEW)
        committee_review = factory.Trait(panel_review=True, state=S.COMMITTEE_REVIEW)
        bureau_review = factory.Trait(committee_review=True, state=S.BUREAU_REVIEW)
        not_approved = factory.Trait(committee_review=True, state=S.NOT_APPROVED)
        public_notice = factory.Trait(bureau_review=True, state=S.PUBLIC_NOTICE)
        certifying = factory.Trait(public_notice=True, state=S.CERTIFYING)
        # A certificate cannot be faked: these two are issued (and revoked) by the services.
        certified = factory.Trait(certifying=True, state=S.CERTIFIED)
        revoked = factory.Trait(certified=True, state=S.REVOKED)

    @factory.post_generation
    def stage_rows(self, create, extracted, **kwargs):
        """The rows the transitions into the application's state write beside it
        (``stage_rows=False``: not yet, the caller adds them)."""
        if create and extracted is not False:
            stage_rows_add(self)


# States reached after the internal notice opened, and after it passed (the usual path).
AFTER_NOTICE_OPENED = {
    S.INTERNAL_NOTICE,
    S.NOTICE_PASSED,
    S.ELIGIBILITY_REVIEW,
    S.SUPPLEMENT_REQUESTED,
    S.INELIGIBLE,
    S.PANEL_REVIEW,
    S.COMMITTEE_REVIEW,
    S.BUREAU_REVIEW,
    S.NOT_APPROVED,
    S.PUBLIC_NOTICE,
    S.CERTIFYING,
}
AFTER_PUBLIC_NOTICE = {S.PUBLIC_NOTICE, S.CERTIFYING}


def stage_rows_add(application: Application) -> None:
    """The internal notice (open, or passed once the application moved on), the supplement
    request of an application awaiting its answer, the public notice's entry, the certificate
    (issued, and revoked, by the certificates' services)."""
    now = timezone.now()
    if application.submitted_at and not application.form_versions.exists():
        form_version_record(
            application=application, actor=application.applicant, now=application.submitted_at
        )
    if application.state in AFTER_NOTICE_OPENED and application.reviewing_organization_id:
        running = application.state == S.INTERNAL_NOTICE
        published = now if running else now - timedelta(days=21)
        InternalNotice.objects.create(
            application=application,
            organization_id=application.reviewing_organization_id,
            text="内部公示。",
            working_days=5,
            published_at=published,
            ends_at=workdays.notice_end(published),
            opened_by=UserFactory(),
            passed_at=None if running else now - timedelta(days=7),
        )
    if application.state == S.SUPPLEMENT_REQUESTED:
        request = SupplementRequest.objects.create(
            application=application,
            requested_by=UserFactory(),
            requested_at=now,
            working_days=10,
            due_at=workdays.deadline_compute(start=timezone.localdate(now), working_days=10).due_at,
        )
        SupplementItem.objects.create(request=request, text="请补充学历证书。")
    if application.state in AFTER_PUBLIC_NOTICE:
        running = application.state == S.PUBLIC_NOTICE
        published = now if running else now - timedelta(days=21)
        notice = PublicNotice.objects.create(
            title="2026年第一批",
            working_days=5,
            published_at=published,
            ends_at=workdays.notice_end(published),
            published_by=UserFactory(),
        )
        PublicNoticeEntry.objects.create(
            notice=notice,
            application=application,
            passed_at=None if running else now - timedelta(days=7),
        )
    if application.state in (S.CERTIFIED, S.REVOKED):
        _certificate_issue(application)


def _certificate_issue(application: Application) -> None:
    """Issue (and for ``revoked``, revoke) the certificate through the services, then read the
    row back into ``application`` (its state is protected: no ``refresh_from_db``)."""
    from certificates.services import certificate_issue, certificate_revoke
    from tests.bureau.factories import bureau_staff

    wanted = application.state
    Application.objects.filter(pk=application.pk).update(state=S.CERTIFYING)
    certificate = certificate_issue(application_id=application.pk)
    if wanted == S.REVOKED:
        certificate_revoke(certificate=certificate, actor=bureau_staff(), reason="证书信息有误。")
    fresh = Application.objects.get(pk=application.pk)
    for field in Application._meta.concrete_fields:
        application.__dict__[field.attname] = getattr(fresh, field.attname)


def application_in(state: str, **kwargs) -> Application:
    """An application in ``state``, through its trait (a draft for ``draft``)."""
    return ApplicationFactory(**({} if state == S.DRAFT else {state: True}), **kwargs)


def add_material(application: Application, slot: str, name: str = "材料.pdf") -> MaterialVersion:
    material = Material.objects.create(application=application, slot=slot)
    version = MaterialVersion(
        material=material,
        number=1,
        original_name=name,
        kind="pdf",
        size=len(pdf_bytes()),
        sha256="0" * 64,
        uploaded_by=application.applicant,
        submitted_at=application.submitted_at,  # frozen once submitted, as submitting does
    )
    version.file.save(f"{secrets.token_hex(16)}.pdf", ContentFile(pdf_bytes()), save=False)
    version.save()
    return version


def add_recommender(
    application: Application, kind: str, *, responded: bool = True, email: str | None = None
) -> Recommender:
    head_kind = (
        HEAD_KIND_FOR_CATEGORY[Category(application.category)]
        if kind == RecommenderKind.HEAD
        else ""
    )
    return Recommender.objects.create(
        application=application,
        kind=kind,
        head_kind=head_kind,
        name=f"专家{secrets.token_hex(2)}",
        email=email or f"r{secrets.token_hex(4)}@example.cn",
        organization_name="清华大学",
        stated_title="教授",
        status=RecommenderStatus.RESPONDED if responded else RecommenderStatus.INVITED,
        token_nonce=secrets.token_hex(16),
        invited_at=timezone.now(),
        senior_title="教授" if responded else "",
        senior_title_level="full_senior" if responded else "",
        title_certificate_number="ZG2010-0001" if responded else "",
        field="人工智能" if responded else "",
        opinion="同意推荐。" if responded else "",
        responded_at=timezone.now() if responded else None,
    )


def complete_in(state: str, **kwargs) -> Application:
    """A complete application in ``state``, through its trait (a draft for ``draft``)."""
    return complete_application(**({} if state == S.DRAFT else {state: True}), **kwargs)


def complete_application(**kwargs) -> Application:
    """A draft with everything its category requires: it can be submitted as it is (with a
    state's trait, an application in that state, as its transitions would have left it)."""
    from titles.people import person_set_id_number

    application = ApplicationFactory(stage_rows=False, **kwargs)
    applicant = application.applicant
    applicant.phone = "13800138000"
    applicant.save(update_fields=["phone"])
    person_set_id_number(user=applicant, id_number=id_number_valid(), actor=applicant)
    for slot in REQUIRED_SLOTS[Category(application.category)]:
        add_material(application, slot)
    for _ in range(EXPERTS_REQUIRED):
        add_recommender(application, RecommenderKind.EXPERT)
    add_recommender(application, RecommenderKind.HEAD)
    stage_rows_add(application)  # once complete: a certificate shows the ID number
    return application
