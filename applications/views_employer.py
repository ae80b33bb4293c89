"""The employer reviewer's pages: the queue, review decisions, the internal notice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from applications import permissions, selectors, services
from applications.enums import EMPLOYER_QUEUE_STATES, ApplicationState
from applications.errors import ApplicationError
from applications.forms import (
    DeclineForm,
    ObjectionDecisionForm,
    ObjectionForm,
    OpenNoticeForm,
    QueueFilterForm,
    RecommendForm,
)
from applications.models import InternalObjection
from applications.objection_pages import objection_decision_answer, objection_evidence_download
from applications.uploads import UploadRefused
from titles.feedback import form_decide

QUEUE_STATES = EMPLOYER_QUEUE_STATES


@login_required
def employer_queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    form.fields["state"].choices = [("", _("All awaiting action"))] + [
        (state.value, state.label) for state in QUEUE_STATES
    ]
    states = QUEUE_STATES
    query = ""
    if form.is_valid():
        if form.cleaned_data["state"]:
            states = [form.cleaned_data["state"]]
        query = form.cleaned_data["q"].strip()
    applications = selectors.employer_queue(request.user, states=states, query=query)
    page = selectors.QueuePaginator(applications, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "applications/employer_queue.html",
        {"form": form, "page": page, "now": timezone.now()},
    )


def _reviewable(request, pk):
    """The application if the user reviews it for its organization now; 404 otherwise."""
    application = selectors.applications_reviewed_by(request.user).filter(pk=pk).first()
    if application is None or not permissions.can_review(request.user, application):
        raise Http404
    return application


def _act(request, pk, form_class, action, success):
    application = _reviewable(request, pk)
    return form_decide(
        request,
        application=application,
        form=form_class(request.POST),
        action=lambda data: action(application, data),
        success=success,
    )


@login_required
@require_POST
def application_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        DeclineForm,
        lambda app, data: services.application_decline(
            application=app,
            actor=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        _("The application was declined."),
    )


@login_required
@require_POST
def internal_notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        OpenNoticeForm,
        lambda app, data: services.internal_notice_open(
            application=app,
            actor=request.user,
            text=data["text"],
            working_days=data["working_days"],
            expected_version=data["version"],
        ),
        _("The internal notice is published."),
    )


@login_required
@require_POST
def application_recommend(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        RecommendForm,
        lambda app, data: services.application_recommend(
            application=app,
            actor=request.user,
            opinion=data["opinion"],
            expected_version=data["version"],
        ),
        _("The formal recommendation was sent to the evaluation agency."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def internal_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice as members of the organization see it, with the objection form."""
    notice = get_object_or_404(
        selectors.internal_notices_visible_to(request.user), application_id=pk
    )
    application = notice.application
    is_reviewer = permissions.can_review_notice(request.user, application)
    form = ObjectionForm(initial={"real_name": request.user.real_name})
    if request.method == "POST":
        form = ObjectionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.internal_objection_raise(
                    notice=notice,
                    actor=request.user,
                    real_name=form.cleaned_data["real_name"],
                    statement=form.cleaned_data["statement"],
                    evidence=form.cleaned_data["evidence"],
                )
            except (ApplicationError, UploadRefused) as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("Your objection was received. The reviewer decides it.")
                )
                return redirect("applications:internal_notice", pk=pk)
    objections = notice.objections.select_related("objector", "decided_by")
    if not is_reviewer:
        objections = objections.filter(objector=request.user)
    return render(
        request,
        "applications/internal_notice.html",
        {
            "notice": notice,
            "application": application,
            "objections": objections,
            "is_reviewer": is_reviewer,
            "running": application.state == ApplicationState.INTERNAL_NOTICE
            and timezone.now() <= notice.ends_at,
            "form": form,
            "decision_form": ObjectionDecisionForm(),
        },
    )


def _internal_objection(request, pk: int, objection_pk: int) -> InternalObjection:
    application = _reviewable(request, pk)
    return get_object_or_404(
        InternalObjection.objects.filter(notice__application=application).select_related("notice"),
        pk=objection_pk,
    )


@login_required
@require_POST
def internal_objection_decide(request: HttpRequest, pk: int, objection_pk: int) -> HttpResponse:
    return objection_decision_answer(
        request,
        objection=_internal_objection(request, pk, objection_pk),
        decide=services.internal_objection_decide,
        back=redirect("applications:internal_notice", pk=pk),
    )


@login_required
def internal_objection_evidence(request: HttpRequest, pk: int, objection_pk: int) -> HttpResponse:
    """The evidence an objector sent, for the reviewer who decides the objection."""
    return objection_evidence_download(_internal_objection(request, pk, objection_pk))


@login_required
def internal_notices_running(request: HttpRequest) -> HttpResponse:
    """The running notices of every organization the user belongs to."""
    notices = (
        selectors.internal_notices_visible_to(request.user)
        .filter(application__state=ApplicationState.INTERNAL_NOTICE, ends_at__gte=timezone.now())
        .select_related("application__applicant", "organization")
        .order_by("ends_at")
    )
    return render(request, "applications/internal_notices.html", {"notices": notices})
