"""The evaluation agency's pages (stage 2) and the applicant's answer to the supplement request."""

import functools

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
    OfficerAssignForm,
    SupplementAnswerForm,
    SupplementRequestForm,
)
from applications.models import SupplementRequest
from titles.feedback import form_decide
from titles.lists import Column, ListKit, application_columns


@login_required
def agency_queue(request: HttpRequest) -> HttpResponse:
    if not permissions.is_agency_staff(request.user):
        raise Http404
    form = AgencyQueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    queue = functools.partial(
        selectors.agency_queue,
        category=filters.get("category") or "",
        discipline_id=filters["discipline"].pk if filters.get("discipline") else None,
        organization_id=filters["organization"].pk if filters.get("organization") else None,
        overdue_only=bool(filters.get("overdue")),
        officer_id=request.user.pk if filters.get("mine") else None,
        now=now,
    )
    kit = ListKit(
        request,
        columns=application_columns(
            due=Column(
                "due", _("Review due"), lambda a: a.eligibility_due_at, ("eligibility_due_at",)
            ),
            extra=[Column("officer", _("Agency officer"), _officer_name, shown=False)],
        ),
        todo=queue(),
        done=queue(done=True),
        states=ApplicationState.choices,
        round_field="round",
        filename="agency",
    )
    return kit.respond("applications/agency_queue.html", {"form": form})


def _officer_name(application) -> str:
    officer = application.agency_officer
    return officer.display_name if officer else ""


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
def officer_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the application to one agency officer (issue #23)."""
    application = _agency_application(request, pk)
    form = OfficerAssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an officer of the evaluation agency."))
    else:
        try:
            services.agency_officer_assign(
                application=application, actor=request.user, officer=form.cleaned_data["officer"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The officer was assigned."))
    return redirect("applications:detail", pk=application.pk)


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
