"""The printable application form (申报表, issue #23): the application as submitted, as a PDF.

Rendered through ``titles.pdf.html_to_pdf`` with the certificate's fonts (Noto Serif/Sans CJK
SC), in the viewer's language: personal details, category, series, discipline, level, the four
texts, every material with its versions and their SHA-256 checksums, the recommenders with the
dates of their opinions, the reference, the application's version and a QR code of its page.
Before submission it is a preview and says so on every page.
"""

import copy

from django.template.loader import render_to_string
from django.utils import timezone

from applications.enums import ApplicationState
from applications.models import Application, MaterialVersion, Recommender, SubmittedForm
from titles.pdf import html_to_pdf, qr_svg
from titles.people import id_number_for_viewer

SNAPSHOT_FIELDS = (
    "category",
    "is_freelancer",
    "employer_id",
    "recommending_body_id",
    "district",
    "department",
    "title_series_id",
    "discipline_id",
    "level",
    "academic_proficiency",
    "professional_competence",
    "work_achievements",
    "performance_contributions",
)


def submitted_form_record(application: Application, *, now) -> SubmittedForm:
    """Keep what the application says at this submission (called as it is submitted)."""
    number = SubmittedForm.objects.filter(application=application).count() + 1
    return SubmittedForm.objects.create(
        application=application,
        number=number,
        submitted_at=now,
        content={
            "fields": {name: getattr(application, name) for name in SNAPSHOT_FIELDS},
            "versions": list(
                MaterialVersion.objects.filter(material__application=application).values_list(
                    "pk", flat=True
                )
            ),
            "recommenders": list(
                application.recommenders.exclude(status="replaced").values_list("pk", flat=True)
            ),
        },
    )


def as_submitted(application: Application, submitted: SubmittedForm) -> Application:
    """An unsaved copy of the application as it was at that submission."""
    then = copy.copy(application)
    for name, value in submitted.content["fields"].items():
        setattr(then, name, value)
    for relation in ("employer", "recommending_body", "title_series", "discipline"):
        Application._meta.get_field(relation).delete_cached_value(then)
    then.submitted_at = submitted.submitted_at
    return then


def application_form_context(
    application: Application, *, viewer, page_url: str, submitted: SubmittedForm | None = None
) -> dict:
    versions = (
        MaterialVersion.objects.filter(material__application=application)
        .select_related("material")
        .order_by("material__slot", "material_id", "number")
    )
    recommenders = [
        r for r in application.recommenders.all().order_by("kind", "pk") if r.status != "replaced"
    ]
    if submitted is not None:
        application = as_submitted(application, submitted)
        versions = versions.filter(pk__in=submitted.content["versions"])
        recommenders = list(
            Recommender.objects.filter(pk__in=submitted.content["recommenders"]).order_by(
                "kind", "pk"
            )
        )
    return {
        "submission": submitted,
        "application": application,
        "applicant": application.applicant,
        "id_number": id_number_for_viewer(subject=application.applicant, viewer=viewer),
        "organization": (
            application.recommending_body if application.is_freelancer else application.employer
        ),
        "versions": list(versions),
        "recommenders": recommenders,
        "preview": application.submitted_at is None
        or application.state in (ApplicationState.DRAFT, ApplicationState.RETURNED),
        "qr": qr_svg(page_url, size_mm=24),
        "page_url": page_url,
        "printed_at": timezone.localtime(),
        "texts": [
            (Application._meta.get_field(name).verbose_name, getattr(application, name))
            for name in (
                "academic_proficiency",
                "professional_competence",
                "work_achievements",
                "performance_contributions",
            )
        ],
    }


def application_form_pdf(
    application: Application, *, viewer, page_url: str, submitted: SubmittedForm | None = None
) -> bytes:
    html = render_to_string(
        "applications/application_form_pdf.html",
        application_form_context(
            application, viewer=viewer, page_url=page_url, submitted=submitted
        ),
    )
    return html_to_pdf(html)
