"""Thin views: the public notice and objections (no sign-in), and the bureau's decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from applications.errors import ApplicationError
from applications.objection_pages import objection_decision_answer, objection_evidence_download
from applications.uploads import UploadRefused
from bureau import permissions, selectors, services
from bureau.forms import (
    PublicObjectionForm,
    PublishForm,
    RejectForm,
    SpecialIssuanceForm,
)
from bureau.models import PublicObjection, SpecialIssuance
from titles.feedback import form_decide, form_errors_report
from titles.middleware import client_ip

RECEIVED_SESSION_KEY = "bureau_objection_reference"
NOT_RUNNING = _("This notice is no longer running.")

# --- the public -----------------------------------------------------------------------------


def notice_list(request: HttpRequest) -> HttpResponse:
    """The public notices running now: only what may be disclosed."""
    page, notices = selectors.public_notices_page(
        now=timezone.now(), page_number=request.GET.get("page")
    )
    return render(request, "bureau/notice_list.html", {"notices": notices, "page": page})


@require_http_methods(["GET", "POST"])
def objection_create(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """Anyone objects to one applicant of a running notice."""
    entry = selectors.public_notice_entry_running(pk=entry_pk, now=timezone.now())
    if entry is None:
        messages.error(request, NOT_RUNNING)
        return redirect("bureau:notices")
    form = PublicObjectionForm()
    if request.method == "POST":
        form = PublicObjectionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                objection = services.public_objection_raise(
                    entry=entry,
                    real_name=form.cleaned_data["real_name"],
                    contact=form.cleaned_data["contact"],
                    statement=form.cleaned_data["statement"],
                    evidence=form.cleaned_data["evidence"],
                    client_ip=client_ip(request),
                )
            except UploadRefused as error:
                form.add_error("evidence", error.message)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                request.session[RECEIVED_SESSION_KEY] = objection.reference
                return redirect("bureau:objection_received")
    return render(
        request,
        "bureau/objection_form.html",
        {"entry": selectors.entry_disclosed(entry), "notice": entry.notice, "form": form},
    )


def objection_received(request: HttpRequest) -> HttpResponse:
    """The acknowledgement, with the reference number (shown to the sender's session only)."""
    reference = request.session.get(RECEIVED_SESSION_KEY)
    if not reference:
        return redirect("bureau:notices")
    return render(request, "bureau/objection_received.html", {"reference": reference})


# --- bureau staff ---------------------------------------------------------------------------


def _staff_only(request: HttpRequest) -> None:
    if not permissions.is_bureau_staff(request.user):
        raise Http404


QUEUE_PAGE_SIZE = 50


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    # A page at a time (a batch notice takes the applications chosen on the page).
    applications = selectors.bureau_queue().only(*selectors.QUEUE_ROW_FIELDS)
    page = Paginator(applications, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.bureau_queue_rows(page.object_list)
    return render(
        request,
        "bureau/queue.html",
        {
            "rows": rows,
            "page": page,
            "form": PublishForm(),
            "issuances": selectors.special_issuances_pending(),
            "objections": selectors.public_objections_open(),
        },
    )


@login_required
@require_POST
def notice_publish(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = PublishForm(request.POST)
    if not form.is_valid():
        form_errors_report(request, form)
        return redirect("bureau:queue")
    try:
        notice = services.public_notice_publish(
            applications=list(form.cleaned_data["applications"]),
            actor=request.user,
            working_days=form.cleaned_data["working_days"],
            title=form.cleaned_data["title"],
            versions=form.cleaned_data["versions"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The public notice is published: %(count)s applicants, until %(end)s.")
            % {
                "count": notice.entries.count(),
                "end": timezone.localtime(notice.ends_at).strftime("%Y-%m-%d"),
            },
        )
    return redirect("bureau:queue")


# The two decisions on one application are routed by ``portal.urls``, which finds the application
# for whoever may open it (rule 10) and hands it over (POST only).


def application_reject(request: HttpRequest, application) -> HttpResponse:
    _staff_only(request)
    return form_decide(
        request,
        application=application,
        form=RejectForm(request.POST),
        action=lambda data: services.application_bureau_reject(
            application=application,
            actor=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        success=_("The application was not approved."),
    )


def special_issuance_propose(request: HttpRequest, application) -> HttpResponse:
    _staff_only(request)
    return form_decide(
        request,
        application=application,
        form=SpecialIssuanceForm(request.POST),
        action=lambda data: services.special_issuance_propose(
            application=application,
            actor=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        success=_("Proposed. A second bureau staff member must confirm the issuance."),
    )


def _issuance(request: HttpRequest, pk: int) -> SpecialIssuance:
    _staff_only(request)
    return get_object_or_404(SpecialIssuance, pk=pk)


@login_required
@require_POST
def special_issuance_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    issuance = _issuance(request, pk)
    try:
        services.special_issuance_confirm(issuance=issuance, actor=request.user)
        messages.success(request, _("Confirmed: the certificate will be issued without a notice."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("applications:detail", pk=issuance.application_id)


@login_required
@require_POST
def special_issuance_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    issuance = _issuance(request, pk)
    try:
        services.special_issuance_cancel(issuance=issuance, actor=request.user)
        messages.success(request, _("The proposal was withdrawn."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("applications:detail", pk=issuance.application_id)


def _objection(request: HttpRequest, pk: int) -> PublicObjection:
    _staff_only(request)
    return get_object_or_404(PublicObjection.objects.select_related("entry__notice"), pk=pk)


@login_required
@require_POST
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _objection(request, pk)
    return objection_decision_answer(
        request,
        objection=objection,
        decide=services.public_objection_decide,
        back=redirect("applications:detail", pk=objection.entry.application_id),
    )


@login_required
def objection_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return objection_evidence_download(_objection(request, pk))
