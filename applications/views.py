"""Thin views: validate the form, call one service, turn a domain error into a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from applications import permissions, selectors, services
from applications.enums import (
    HEAD_KIND_FOR_CATEGORY,
    REQUIRED_SLOTS,
    Category,
    MaterialSlot,
    RecommenderKind,
)
from applications.errors import ApplicationError
from applications.forms import (
    AchievementsForm,
    CategoryForm,
    MaterialUploadForm,
    PersonalForm,
    RecommenderForm,
    ReturnForm,
    SubmitForm,
    WithdrawForm,
)
from applications.models import Application
from titles.people import id_number_for_viewer, person_set_id_number, person_update

STEPS = [
    ("category", _("Category")),
    ("personal", _("Personal details")),
    ("achievements", _("Achievements")),
    ("materials", _("Materials")),
    ("recommenders", _("Recommenders")),
    ("submit", _("Check and submit")),
]
STEP_SLUGS = [slug for slug, _label in STEPS]


def own_application(request: HttpRequest, pk: int):
    """The signed-in applicant's own application with its details; 404 for anyone else's."""
    try:
        return selectors.application_with_details(
            selectors.applications_of_applicant(request.user), pk
        )
    except selectors.Application.DoesNotExist as error:
        raise Http404 from error


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest) -> HttpResponse:
    """GET: what starting an application takes, and the start button when the person may start
    one (where signing up lands). POST: start it."""
    if request.method == "GET":
        applications = list(selectors.applicant_dashboard_applications(request.user))
        return render(
            request,
            "applications/start.html",
            {
                "may_start": permissions.can_start_application(request.user, applications),
                "has_applications": bool(applications),
            },
        )
    try:
        application = services.application_create(applicant=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("dashboard")
    return redirect("applications:step", pk=application.pk, step="category")


@login_required
@require_http_methods(["GET", "POST"])
def application_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEP_SLUGS:
        raise Http404
    application = own_application(request, pk)
    if not permissions.can_edit(request.user, application):
        messages.info(request, _("This application can no longer be changed."))
        return redirect("applications:detail", pk=pk)
    handler = {
        "category": _step_category,
        "personal": _step_personal,
        "achievements": _step_achievements,
        "materials": _step_materials,
        "recommenders": _step_recommenders,
        "submit": _step_submit,
    }[step]
    return handler(request, application)


def _render_step(request, application, step, context) -> HttpResponse:
    index = STEP_SLUGS.index(step)
    missing_by_step = selectors.application_missing_by_step(application)
    missing = [text for _slug, text in missing_by_step]
    incomplete = {slug for slug, _text in missing_by_step}
    return render(
        request,
        f"applications/step_{step}.html",
        {
            "application": application,
            "steps": STEPS,
            "step_pills": [
                (slug, label, slug != "submit" and slug not in incomplete) for slug, label in STEPS
            ],
            "missing_by_step": missing_by_step,
            "step": step,
            "step_number": index + 1,
            "previous_step": STEP_SLUGS[index - 1] if index else None,
            "next_step_slug": STEP_SLUGS[index + 1] if index + 1 < len(STEPS) else None,
            "missing": missing,
            "resubmitting": permissions.can_resubmit(request.user, application),
            "return_reason": selectors.return_reason(application),
            **context,
        },
    )


def _save_and_continue(request, application, step, **fields) -> HttpResponse:
    version = fields.pop("version", None)
    try:
        services.application_update(
            application=application, actor=request.user, expected_version=version, **fields
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("applications:step", pk=application.pk, step=step)
    messages.success(request, _("Saved as a draft."))
    following = STEP_SLUGS[STEP_SLUGS.index(step) + 1]
    return redirect("applications:step", pk=application.pk, step=following)


def _step_category(request, application):
    if request.method == "POST":
        form = CategoryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            return _save_and_continue(
                request,
                application,
                "category",
                version=data["version"],
                category=data["category"],
                is_freelancer=data["is_freelancer"],
                employer=data["employer"],
                department=data["department"],
                recommending_body=data["recommending_body"],
                district=data["district"],
            )
    else:
        form = CategoryForm(
            initial={
                "version": application.version,
                "category": application.category,
                "is_freelancer": application.is_freelancer,
                "employer": application.employer_id,
                "department": application.department,
                "recommending_body": application.recommending_body_id,
                "district": application.district,
            }
        )
    return _render_step(request, application, "category", {"form": form})


def _step_personal(request, application):
    user = request.user
    if request.method == "POST":
        form = PersonalForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():  # a refused ID number leaves the name unchanged too
                    person_update(
                        user=user,
                        actor=user,
                        real_name=data["real_name"],
                        phone=data["phone"],
                        email=data["email"],
                    )
                    if data["id_number"]:
                        person_set_id_number(user=user, id_number=data["id_number"], actor=user)
            except ValidationError as error:
                # The email check names its field; the ID number's messages are plain.
                form.add_error(None if hasattr(error, "error_dict") else "id_number", error)
            else:
                return _save_and_continue(
                    request,
                    application,
                    "personal",
                    version=data["version"],
                    title_series=data["title_series"],
                    discipline=data["discipline"],
                    level=data["level"],
                )
    else:
        form = PersonalForm(
            initial={
                "version": application.version,
                "real_name": user.real_name,
                "phone": user.phone,
                "email": user.email,
                "title_series": application.title_series_id,
                "discipline": application.discipline_id,
                "level": application.level,
            }
        )
    context = {
        "form": form,
        "id_number": id_number_for_viewer(subject=user, viewer=user),
    }
    return _render_step(request, application, "personal", context)


def _step_achievements(request, application):
    if request.method == "POST":
        form = AchievementsForm(request.POST)
        if form.is_valid():
            return _save_and_continue(request, application, "achievements", **form.cleaned_data)
    else:
        form = AchievementsForm(
            initial={
                "version": application.version,
                **{
                    name: getattr(application, name)
                    for name in AchievementsForm.base_fields
                    if name != "version"
                },
            }
        )
    return _render_step(request, application, "achievements", {"form": form})


def _material_rows(application) -> list[dict]:
    """Each slot the category offers, with its materials; each material's versions newest
    first, the newest being the one that counts."""
    slots = selectors.material_slots(application)
    if not slots:
        return []
    required = set(REQUIRED_SLOTS[Category(application.category)])
    by_slot = {slot: [] for slot in slots}
    for material in application.materials.all():
        versions = sorted(material.versions.all(), key=lambda v: v.number, reverse=True)
        if versions:
            by_slot.setdefault(material.slot, []).append(
                {"material": material, "current": versions[0], "earlier": versions[1:]}
            )
    return [
        {
            "slot": slot,
            "label": MaterialSlot(slot).label,
            "required": slot in required,
            "materials": by_slot.get(slot, []),
        }
        for slot in slots
        if slot in by_slot
    ]


def _step_materials(request, application):
    slots = selectors.material_slots(application)
    if not slots:
        messages.info(
            request, _("Choose your category first: it decides which materials you need.")
        )
        return redirect("applications:step", pk=application.pk, step="category")
    rows = _material_rows(application)
    form = MaterialUploadForm(allowed_slots=slots)
    return _render_step(request, application, "materials", {"rows": rows, "form": form})


def _step_recommenders(request, application):
    if request.method == "POST":
        form = RecommenderForm(request.POST, application=application)
        if form.is_valid():
            try:
                services.recommender_invite(
                    application=application, actor=request.user, **form.cleaned_data
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
                )
                return redirect("applications:step", pk=application.pk, step="recommenders")
    else:
        form = RecommenderForm(application=application)
    recommenders = selectors.active_recommenders(application)
    head_kind = (
        HEAD_KIND_FOR_CATEGORY[Category(application.category)] if application.category else None
    )
    context = {
        "form": form,
        "experts": [r for r in recommenders if r.kind == RecommenderKind.EXPERT],
        "heads": [r for r in recommenders if r.kind == RecommenderKind.HEAD],
        "head_kind": head_kind,
    }
    return _render_step(request, application, "recommenders", context)


def _step_submit(request, application):
    missing = selectors.application_missing_items(application)
    if request.method == "POST":
        form = SubmitForm(request.POST)
        if form.is_valid():
            service = (
                services.application_resubmit
                if permissions.can_resubmit(request.user, application)
                else services.application_submit
            )
            try:
                service(
                    application=application,
                    actor=request.user,
                    declaration=form.cleaned_data["declaration"],
                    expected_version=form.cleaned_data["version"],
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Submitted. Your employer has been told."))
                return redirect("applications:detail", pk=application.pk)
    else:
        form = SubmitForm(initial={"version": application.version})
    return _render_step(
        request,
        application,
        "submit",
        {
            "form": form,
            "recommenders": selectors.active_recommenders(application),
            "can_submit": not missing,
            "id_number": id_number_for_viewer(subject=request.user, viewer=request.user),
            "texts": [
                (
                    Application._meta.get_field(name).verbose_name,
                    getattr(application, name),
                )
                for name in AchievementsForm.base_fields
                if name != "version"
            ],
            "material_rows": _material_rows(application),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request: HttpRequest, pk: int, withdraw=None) -> HttpResponse:
    """The applicant withdraws. ``portal.urls`` routes it with ``withdraw``, the withdrawal of
    every stage (``portal.services.application_withdraw``); this stage's alone otherwise."""
    application = own_application(request, pk)
    withdraw = withdraw or services.application_withdraw
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                withdraw(
                    application=application,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Your application has been withdrawn."))
                return redirect("applications:detail", pk=pk)
    else:
        if not permissions.can_withdraw(request.user, application):
            messages.info(request, _("This application can no longer be withdrawn."))
            return redirect("applications:detail", pk=pk)
        form = WithdrawForm(initial={"version": application.version})
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


def application_return(request: HttpRequest, application) -> HttpResponse:
    """The employer returns the application (POST only). Routed by ``portal.urls``, which finds
    the application for whoever may open it (rule 10): a refusal is then a message."""
    pk = application.pk
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reasons for returning the application."))
    else:
        try:
            services.application_return(
                application=application,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, _("Returned to the applicant."))
        except ApplicationError as error:
            messages.error(request, error.message)
    return redirect("applications:detail", pk=pk)
