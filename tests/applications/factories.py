"""Applications in every state, with real (tiny) files and recommenders who have responded."""

import io
import secrets

import factory
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
from applications.models import Application, Material, MaterialVersion, Recommender
from tests.factories import OrganizationFactory, UserFactory, discipline_of, id_number_valid
from titles.enums import OrganizationKind, Role
from titles.models import Organization


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def organization(kind: str = OrganizationKind.EMPLOYER, name: str | None = None) -> Organization:
    return OrganizationFactory(kind=kind, **({"name": name} if name else {}))


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

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
        state_employer_review = factory.Trait(state=ApplicationState.EMPLOYER_REVIEW)
        state_returned = factory.Trait(state=ApplicationState.RETURNED)


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


def complete_application(**kwargs) -> Application:
    """A draft with everything its category requires: it can be submitted as it is."""
    from titles.people import person_set_id_number

    application = ApplicationFactory(**kwargs)
    applicant = application.applicant
    applicant.phone = "13800138000"
    applicant.save(update_fields=["phone"])
    person_set_id_number(user=applicant, id_number=id_number_valid(), actor=applicant)
    for slot in REQUIRED_SLOTS[Category(application.category)]:
        add_material(application, slot)
    for _ in range(EXPERTS_REQUIRED):
        add_recommender(application, RecommenderKind.EXPERT)
    add_recommender(application, RecommenderKind.HEAD)
    return application
