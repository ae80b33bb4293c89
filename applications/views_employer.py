"""The employer reviewer's pages: the queue, review decisions, the internal notice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
    RecommendForm,
)
from applications.models import InternalObjection
from applications.objection_pages import objection_decision_answer, objection_evidence_download
from applications.uploads import UploadRefused
from titles.confirm import confirmation_page, is_confirmed
from titles.feedback import form_decide
from titles.lists import Column, ListKit, application_columns
from titles.pagination import QueuePaginator

QUEUE_STATES = EMPLOYER_QUEUE_STATES


@login_required
def employer_queue(request: HttpRequest) -> HttpResponse:
    joined = ("employer", "recommending_body", "title_series", "round")
    kit = ListKit(
        request,
        columns=application_columns(
            [
                "reference",
                "applicant",
                "category",
                Column("title", _("Title sought"), _title_sought, ("discipline__name", "level")),
                "state",
                "submitted",
                Column("notice", _("Notice ends"), _notice_ends, ("internal_notice__ends_at",)),
            ]
        ),
        todo=lambda: selectors.employer_queue(request.user, states=QUEUE_STATES).select_related(
            *joined
        ),
        done=lambda: selectors.employer_queue(
            request.user, states=EMPLOYER_DONE_STATES
        ).select_related(*joined),
        states=ApplicationState.choices,
        round_field="round",
        filename="employer",
    )
    return kit.respond("applications/employer_queue.html", {"now": timezone.now()})


# What the employer has decided on: its "done" view (issue #23).
EMPLOYER_DONE_STATES = [
    state
    for state in ApplicationState
    if state not in (*QUEUE_STATES, ApplicationState.DRAFT, ApplicationState.WITHDRAWN)
]


def _title_sought(application) -> str:
    return f"{application.discipline} · {application.level_label}"


def _notice_ends(application):
    notice = getattr(application, "internal_notice", None)
    return notice.ends_at if notice else None


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
    form = DeclineForm(request.POST)
    if form.is_valid() and not is_confirmed(request):
        application = _reviewable(request, pk)
        return confirmation_page(
            request,
            title=_("Decline the application"),
            consequences=[
                _(
                    "Application %(reference)s of %(name)s will be declined: it ends here, and "
                    "the applicant is told with your reason."
                )
                % {
                    "reference": application.reference,
                    "name": application.applicant.display_name,
                }
            ],
            quoted=[(_("Reason for declining"), form.cleaned_data["reason"])],
            irreversible=_(
                "A declined application cannot be resumed; the applicant would have to start a "
                "new one."
            ),
            button=_("Decline the application"),
            cancel_url=reverse("applications:detail", args=[application.pk]),
        )
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
            end_in_text=data["end_in_text"],
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
    # The applicant reads their own notice; nobody objects to their own application.
    is_own = application.applicant_id == request.user.pk
    form = ObjectionForm(initial={"real_name": request.user.real_name})
    if request.method == "POST" and is_own:
        messages.error(request, _("You cannot object to your own application."))
        return redirect("applications:internal_notice", pk=pk)
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
            "may_object": not is_own,
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


INTERNAL_NOTICES_PER_PAGE = 50


@login_required
def internal_notices_running(request: HttpRequest) -> HttpResponse:
    """The running notices of every organization the user belongs to, ending first, a page at
    a time."""
    notices = selectors.internal_notices_running_for(request.user, now=timezone.now())
    page = QueuePaginator(notices, INTERNAL_NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "applications/internal_notices.html", {"page": page})
