"""The evaluation agency's pages (stage 2) and the applicant's answer to the supplement request."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from applications import permissions, selectors, services
from applications.enums import ApplicationState
from applications.errors import ApplicationError
from applications.forms import (
    AgencyQueueFilterForm,
    EligibilityAcceptForm,
    EligibilityRejectForm,
    MaterialUploadForm,
    SupplementAnswerForm,
    SupplementRequestForm,
)
from applications.models import SupplementRequest
from titles.feedback import form_decide


@login_required
def agency_queue(request: HttpRequest) -> HttpResponse:
    if not permissions.is_agency_staff(request.user):
        raise Http404
    form = AgencyQueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    applications = selectors.agency_queue(
        category=filters.get("category") or "",
        discipline_id=filters["discipline"].pk if filters.get("discipline") else None,
        organization_id=filters["organization"].pk if filters.get("organization") else None,
        overdue_only=bool(filters.get("overdue")),
        now=now,
    )
    page = selectors.QueuePaginator(applications, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "applications/agency_queue.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _agency_application(request, pk):
    """The application if the agency may decide on it now; 404 otherwise."""
    application = selectors.applications_at_agency(request.user).filter(pk=pk).first()
    if application is None or not permissions.can_review_eligibility(request.user, application):
        raise Http404
    return application


@login_required
@require_POST
def eligibility_accept(request: HttpRequest, pk: int) -> HttpResponse:
    application = _agency_application(request, pk)
    return form_decide(
        request,
        application=application,
        form=EligibilityAcceptForm(request.POST),
        action=lambda data: services.eligibility_accept(
            application=application,
            actor=request.user,
            note=data["note"],
            expected_version=data["version"],
        ),
        success=_("The application is eligible and goes to the assessment panel."),
    )


@login_required
@require_POST
def eligibility_reject(request: HttpRequest, pk: int) -> HttpResponse:
    application = _agency_application(request, pk)
    return form_decide(
        request,
        application=application,
        form=EligibilityRejectForm(request.POST),
        action=lambda data: services.eligibility_reject(
            application=application,
            actor=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        success=_("The application was found ineligible."),
    )


@login_required
@require_POST
def supplement_request(request: HttpRequest, pk: int) -> HttpResponse:
    application = _agency_application(request, pk)
    return form_decide(
        request,
        application=application,
        form=SupplementRequestForm(
            request.POST, checklist=selectors.eligibility_checklist(application)
        ),
        action=lambda data: services.supplement_request(
            application=application,
            actor=request.user,
            items=data["items"],
            working_days=data["working_days"],
            expected_version=data["version"],
        ),
        success=_("The supplement request was sent. No second request is possible."),
    )


def supplement(request: HttpRequest, application) -> HttpResponse:
    """The request's items; the applicant answers here before the deadline. Routed by
    ``portal.urls``, which finds the application for whoever may open it (rule 10)."""
    pk = application.pk
    supplement_request = SupplementRequest.objects.filter(application=application).first()
    if supplement_request is None:
        raise Http404
    items = list(supplement_request.items.all())
    can_answer = permissions.can_answer_supplement(request.user, application)
    expired = timezone.now() > supplement_request.due_at
    form = SupplementAnswerForm(
        initial={"version": application.version, **{f"note_{i.pk}": i.answer_note for i in items}},
        items=items,
    )
    if request.method == "POST":
        form = SupplementAnswerForm(request.POST, items=items)
        if not can_answer:
            messages.error(request, _("This supplement request can no longer be answered."))
        elif form.is_valid():
            try:
                services.supplement_answer(
                    application=application,
                    actor=request.user,
                    notes=form.notes(),
                    expected_version=form.cleaned_data["version"],
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Your supplement was submitted to the agency."))
                return redirect("applications:detail", pk=pk)
    upload_form = MaterialUploadForm(allowed_slots=selectors.material_slots(application))
    return render(
        request,
        "applications/supplement.html",
        {
            "application": application,
            "supplement_request": supplement_request,
            "items": items,
            "form": form,
            "upload_form": upload_form,
            "can_answer": can_answer and not expired,
            "expired": expired and application.state != ApplicationState.ELIGIBILITY_REVIEW,
        },
    )
