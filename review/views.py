"""The panel stage's pages: staff assign experts; experts confirm, write and submit opinions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from applications import selectors as application_selectors
from applications.enums import ApplicationState
from applications.errors import ApplicationError
from applications.models import Application
from review import permissions, selectors, services
from review.conflicts import conflicts_among
from review.enums import AssignmentStatus
from review.forms import AssignForm, ConflictForm, OpinionForm
from review.models import Assignment
from titles.db import one_to_one_or_none
from titles.enums import Role
from titles.feedback import form_errors_report
from titles.lists import Column, ListKit, application_columns, application_search
from titles.people import users_with_role


@login_required
def panel_queue(request: HttpRequest) -> HttpResponse:
    """Staff: the applications in panel review, with assigned and submitted counts."""
    if not permissions.is_panel_staff(request.user):
        raise Http404
    kit = ListKit(
        request,
        columns=application_columns(
            [
                "reference",
                "applicant",
                "discipline",
                "organization",
                Column("experts", _("Experts assigned"), lambda a: a.experts_assigned),
                Column("opinions", _("Opinions submitted"), lambda a: a.opinions_submitted),
            ]
        ),
        todo=selectors.panel_queue,
        done=lambda: selectors.panel_queue(states=selectors.PANEL_DONE_STATES).order_by(
            "-updated_at", "-pk"
        ),
        states=ApplicationState.choices,
        round_field="round",
        filename="panel",
    )
    return kit.respond("review/panel_queue.html")


def _staff_only(request) -> None:
    if not permissions.is_panel_staff(request.user):
        raise Http404


def _candidates(application):
    """Every panel expert, with the conflicts that keep some of them from this application."""
    panel = services.panel_for(application)
    experts = users_with_role(Role.PANEL_EXPERT)
    members = set(panel.members.values_list("pk", flat=True)) if panel else set()
    taken = {
        assignment.expert_id: assignment
        for assignment in Assignment.objects.filter(application=application)
        .exclude(status=AssignmentStatus.REPLACED)
        .order_by("assigned_at")
    }
    conflicts = conflicts_among(experts, application)
    rows = []
    for expert in experts:
        reasons = [str(reason) for reason in conflicts[expert.pk]]
        assignment = taken.get(expert.pk)
        if assignment is not None and assignment.status == AssignmentStatus.RELEASED:
            reasons.append(str(_("declared a conflict")))
        rows.append(
            {
                "expert": expert,
                "on_panel": expert.pk in members,
                "conflicts": reasons,
                "assigned": assignment is not None and assignment.active,
            }
        )
    rows.sort(key=lambda row: (bool(row["conflicts"]), not row["on_panel"], row["expert"].pk))
    free = [row["expert"].pk for row in rows if not row["conflicts"] and not row["assigned"]]
    return rows, experts.filter(pk__in=free)


# The two pages about one application's experts are routed by ``portal.urls``, which finds the
# application for whoever may open it (rule 10) and hands it over.


def assignments(request: HttpRequest, application) -> HttpResponse:
    """Staff: who assesses the application; assign, and replace the late or conflicted."""
    _staff_only(request)
    pk = application.pk
    rows, free = _candidates(application)
    can_assign = permissions.can_assign(request.user, application)
    form = AssignForm(experts=free)
    if request.method == "POST":
        form = AssignForm(request.POST, experts=free)
        if not can_assign:
            messages.error(request, _("Experts are assigned only while the panel review runs."))
        elif form.is_valid():
            try:
                services.assignment_create(
                    application=application,
                    expert=form.cleaned_data["expert"],
                    actor=request.user,
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("%(expert)s is assigned.")
                    % {"expert": form.cleaned_data["expert"].display_name},
                )
                return redirect("review:assignments", pk=pk)
    standing = selectors.assignments_of(application)
    return render(
        request,
        "review/assignments.html",
        {
            "application": application,
            "assignments": standing,
            "candidates": rows,
            "form": form,
            "free": free,
            "can_assign": can_assign,
            "required": services.experts_required(application),
            "active_count": sum(1 for a in standing if a.active),
        },
    )


def assignment_replace(request: HttpRequest, application, assignment_pk: int) -> HttpResponse:
    """Staff replace an expert (POST only)."""
    _staff_only(request)
    pk = application.pk
    assignment = Assignment.objects.filter(pk=assignment_pk, application=application).first()
    if assignment is None:
        raise Http404
    _rows, free = _candidates(application)
    form = AssignForm(request.POST, experts=free)
    if not form.is_valid():
        form_errors_report(request, form)
    else:
        try:
            services.assignment_replace(
                assignment=assignment, actor=request.user, expert=form.cleaned_data["expert"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(old)s is replaced by %(new)s.")
                % {
                    "old": assignment.expert.display_name,
                    "new": form.cleaned_data["expert"].display_name,
                },
            )
    return redirect("review:assignments", pk=pk)


@login_required
def expert_queue(request: HttpRequest) -> HttpResponse:
    """The expert's assigned applications: only those."""
    if not permissions.is_panel_expert(request.user):
        raise Http404
    # Paginated: assignments stay confirmed after the panel completes, so the list only grows.
    # To do: the opinions still to write; done: the submitted ones (issue #23).
    kit = ListKit(
        request,
        columns=[
            Column(
                "reference", _("Reference"), lambda a: a.application.reference, ("application_id",)
            ),
            Column(
                "applicant",
                _("Applicant"),
                lambda a: a.application.applicant.display_name,
                ("application__applicant__real_name",),
            ),
            Column(
                "discipline",
                _("Discipline"),
                lambda a: a.application.discipline,
                ("application__discipline__name",),
            ),
            Column("level", _("Level sought"), lambda a: a.application.level_label),
            Column("due", _("Opinion due"), lambda a: a.due_at, ("due_at",)),
            Column("opinion", _("Your opinion"), _opinion_state),
            Column("series", _("Series"), lambda a: a.application.title_series, shown=False),
            Column("round", _("Round"), lambda a: a.application.round or "", shown=False),
        ],
        todo=lambda: selectors.expert_assignments(request.user, submitted=False),
        done=lambda: selectors.expert_assignments(request.user, submitted=True),
        search=lambda queryset, text: application_search(queryset, text, "application__"),
        date_field="due_at",
        round_field="application__round",
        filename="assessments",
    )
    return kit.respond("review/expert_queue.html", {"assignments": kit.page})


def _opinion_state(assignment) -> str:
    opinion = one_to_one_or_none(assignment, "opinion")
    if opinion is not None and opinion.submitted_at:
        return str(_("submitted"))
    if assignment.awaits_confirmation:
        return str(_("confirm no conflict first"))
    return str(_("draft saved") if opinion is not None else _("not started"))


def _own_assignment(request, pk) -> Assignment:
    assignment = selectors.assignment_for_expert(request.user, pk)
    if assignment is None:
        raise Http404
    return assignment


@login_required
@require_http_methods(["GET", "POST"])
def opinion(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert's page: confirm no conflict, read everything, write and submit the opinion."""
    assignment = _own_assignment(request, pk)
    application = assignment.application
    existing = one_to_one_or_none(assignment, "opinion")
    can_work = permissions.can_work_on(request.user, assignment)
    initial = (
        {name: getattr(existing, name) for name in services.OPINION_FIELDS} if existing else {}
    )
    form = OpinionForm(initial=initial)
    if request.method == "POST":
        form = OpinionForm(request.POST)
        if form.is_valid():
            try:
                services.opinion_save(
                    assignment=assignment,
                    actor=request.user,
                    values=form.cleaned_data,
                    submit=form.submitting,
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("Your opinion was submitted. It can no longer be changed.")
                    if form.submitting
                    else _("Your draft was saved."),
                )
                return redirect("review:opinion", pk=pk)
        else:
            messages.error(request, _("Please correct the marked fields."))
    return render(
        request,
        "review/opinion.html",
        {
            "assignment": assignment,
            "opinion": existing,
            "form": form,
            "conflict_form": ConflictForm(),
            "can_work": can_work,
            "application": application_selectors.application_with_details(
                Application.objects.all(), application.pk
            ),
            "recommenders": application_selectors.active_recommenders(application),
            # An expert assesses the work, not the person's identity (issue 22).
            "hide_id_number": True,
        },
    )


@login_required
@require_POST
def opinion_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    try:
        services.assignment_confirm(assignment=assignment, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you. You may now write your opinion."))
    return redirect("review:opinion", pk=pk)


@login_required
@require_POST
def opinion_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = _own_assignment(request, pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        form_errors_report(request, form)
        return redirect("review:opinion", pk=pk)
    try:
        services.assignment_declare_conflict(
            assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("review:opinion", pk=pk)
    messages.success(
        request, _("You declared a conflict of interest and are released from this application.")
    )
    return redirect("review:expert_queue")
