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
from applications.models import Application, FormVersion, MaterialVersion, Recommender
from titles.pdf import html_to_pdf, qr_svg
from titles.people import id_number_for_viewer


def as_submitted(application: Application, version: FormVersion) -> Application:
    """An unsaved copy of the application as it was at that submission: its form's fields as
    the version kept them (a related row by its id)."""
    then = copy.copy(application)
    for name, value in version.data.items():
        field = Application._meta.get_field(name)
        if field.is_relation:
            setattr(then, field.attname, value["id"] if value else None)
            field.delete_cached_value(then)
        else:
            setattr(then, name, value)
    then.submitted_at = version.submitted_at
    return then


def application_form_context(
    application: Application, *, viewer, page_url: str, submitted: FormVersion | None = None
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
        versions = versions.filter(pk__in=submitted.material_versions)
        recommenders = list(
            Recommender.objects.filter(pk__in=submitted.recommenders).order_by("kind", "pk")
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
    application: Application, *, viewer, page_url: str, submitted: FormVersion | None = None
) -> bytes:
    html = render_to_string(
        "applications/application_form_pdf.html",
        application_form_context(
            application, viewer=viewer, page_url=page_url, submitted=submitted
        ),
    )
    return html_to_pdf(html)
