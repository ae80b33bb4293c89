"""The applicant's materials: checked uploads stored as versions, removals, downloads."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from applications import selectors, services
from applications.enums import ApplicationState
from applications.errors import ApplicationError
from applications.form_pdf import application_form_pdf
from applications.forms import MaterialUploadForm
from applications.models import FormVersion, MaterialVersion
from applications.uploads import UploadRefused
from applications.views import own_application
from titles.confirm import confirmation_page, is_confirmed
from titles.files import stored_file_response


@login_required
@require_POST
def material_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = own_application(request, pk)
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    form = MaterialUploadForm(
        request.POST, request.FILES, allowed_slots=selectors.material_slots(application)
    )
    error_message = None
    if not form.is_valid():
        error_message = " ".join(
            str(message) for errors in form.errors.values() for message in errors
        )
    else:
        material = None
        if form.cleaned_data["material"]:
            material = application.materials.filter(pk=form.cleaned_data["material"]).first()
            if material is None:
                raise Http404
        try:
            version = services.material_upload(
                application=application,
                actor=request.user,
                slot=form.cleaned_data["slot"],
                uploaded_file=form.cleaned_data["file"],
                material=material,
                title=form.cleaned_data["title"],
            )
        except (UploadRefused, ApplicationError) as error:
            error_message = str(error.message)
    if error_message:
        if wants_json:
            return JsonResponse({"ok": False, "error": error_message}, status=400)
        messages.error(request, error_message)
    else:
        text = _("Uploaded “%(name)s”.") % {"name": version.original_name}
        if wants_json:
            return JsonResponse({"ok": True, "message": str(text)})
        messages.success(request, text)
    if application.state == ApplicationState.SUPPLEMENT_REQUESTED:
        return redirect("applications:supplement", pk=pk)
    return redirect("applications:step", pk=pk, step="materials")


@login_required
@require_POST
def material_delete(request: HttpRequest, pk: int, material_pk: int) -> HttpResponse:
    application = own_application(request, pk)
    material = get_object_or_404(application.materials.all(), pk=material_pk)
    frozen = material.versions.filter(submitted_at__isnull=False).exists()
    if not is_confirmed(request) and not frozen:  # a frozen one is refused without asking
        versions = material.versions.count()
        return confirmation_page(
            request,
            title=_("Remove the material"),
            consequences=[
                ngettext(
                    "The material “%(slot)s” will be removed with its %(count)s uploaded version.",
                    "The material “%(slot)s” will be removed with all %(count)s uploaded versions.",
                    versions,
                )
                % {"slot": material.get_slot_display(), "count": versions}
            ],
            irreversible=_("The removed files cannot be restored; you would upload them again."),
            button=_("Remove the material"),
            cancel_url=reverse("applications:step", args=[pk, "materials"]),
        )
    try:
        services.material_delete(material=material, actor=request.user)
        messages.success(request, _("Removed."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("applications:step", pk=pk, step="materials")


def material_download(request: HttpRequest, application, version_pk: int) -> FileResponse:
    """A material file of the application, always as an attachment. Routed by ``portal.urls``,
    which finds the application for whoever may open it (rule 10)."""
    version = get_object_or_404(
        MaterialVersion.objects.filter(material__application=application), pk=version_pk
    )
    response = stored_file_response(
        version.file,
        filename=version.original_name,
        content_type={
            "pdf": "application/pdf",
            "jpeg": "image/jpeg",
            "png": "image/png",
        }.get(version.kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def application_form(request: HttpRequest, application) -> HttpResponse:
    """The printable application form (申报表) as a PDF, for whoever may open the application
    (routed by ``portal.urls``, rule 10): a preview before submission, the form after."""
    application = (
        type(application)
        .objects.select_related(
            "applicant", "employer", "recommending_body", "title_series", "discipline", "round"
        )
        .get(pk=application.pk)
    )
    # ``?submission=N``: the form as it was at the N-th submission (what a reviewer decided on
    # before a return changed it); otherwise as it is now.
    submitted = None
    number = request.GET.get("submission", "")
    if number:
        submitted = (
            FormVersion.objects.filter(application=application, number=number).first()
            if number.isdigit() and len(number) < 5
            else None
        )
        if submitted is None:
            raise Http404
    page_url = request.build_absolute_uri(reverse("applications:detail", args=[application.pk]))
    pdf = application_form_pdf(
        application, viewer=request.user, page_url=page_url, submitted=submitted
    )
    suffix = f"-{submitted.number}" if submitted else f"-v{application.version}"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{application.reference}{suffix}.pdf"'
    return response
