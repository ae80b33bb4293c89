"""Thin views: validate the form, call one service, turn a domain error into a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from applications import permissions, selectors, services
from applications.enums import (
    HEAD_KIND_FOR_CATEGORY,
    OPTIONAL_SLOTS,
    REQUIRED_SLOTS,
    ApplicationState,
    Category,
    MaterialSlot,
    RecommenderKind,
)
from applications.errors import ApplicationError
from applications.forms import (
    AchievementsForm,
    CategoryForm,
    CodeForm,
    MaterialUploadForm,
    PersonalForm,
    RecommendationForm,
    RecommenderForm,
    ReturnForm,
    SubmitForm,
    WithdrawForm,
)
from applications.uploads import UploadRefused
from applications.views_agency import eligibility_context
from titles.files import stored_file_response
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


def _visible_application(request: HttpRequest, pk: int):
    """The application if this user may see it; 404 otherwise (never someone else's data)."""
    try:
        return selectors.application_with_details(
            selectors.applications_visible_to(request.user),
            pk,
            select_related=_detail_select_related,
        )
    except selectors.Application.DoesNotExist as error:
        raise Http404 from error


def _own_application(request: HttpRequest, pk: int):
    try:
        return selectors.application_with_details(
            selectors.applications_of_applicant(request.user), pk
        )
    except selectors.Application.DoesNotExist as error:
        raise Http404 from error


def _version_of(form) -> int | None:
    return form.cleaned_data.get("version") if form.is_valid() else None


def _slots_for(application) -> list[str]:
    if not application.category:
        return []
    return [*REQUIRED_SLOTS[Category(application.category)], *OPTIONAL_SLOTS]


def agency_dashboard_context(user) -> dict:
    now = timezone.now()
    return selectors.agency_queue(now=now).aggregate(
        awaiting=Count("pk"),
        overdue=Count(
            "pk",
            filter=Q(state=ApplicationState.ELIGIBILITY_REVIEW, eligibility_due_at__lt=now),
        ),
    )


@login_required
@require_POST
def application_new(request: HttpRequest) -> HttpResponse:
    try:
        application = services.application_create(applicant=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("dashboard")
    return redirect("applications:step", pk=application.pk, step="category")


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
    sections = []
    for section in _detail_sections:
        section_context = section["context"](request, application)
        if section_context is not None:
            sections.append({"template": section["template"], "context": section_context})
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "next_step": selectors.application_next_step(application),
            "recommenders": selectors.active_recommenders(application),
            "id_number": id_number_for_viewer(subject=application.applicant, viewer=request.user),
            "can_edit": permissions.can_edit(request.user, application),
            "can_withdraw": permissions.can_withdraw(request.user, application),
            "can_return": permissions.can_return(request.user, application),
            "return_form": ReturnForm(initial={"version": application.version}),
            "state_labels": dict(ApplicationState.choices),
            **_review_context(request, application),
            **eligibility_context(request, application),
            "sections": sections,
        },
    )


_detail_sections: list[dict] = []
_detail_select_related: list[str] = []


def detail_section_register(*, template: str, context, select_related: tuple = ()) -> None:
    """Add a section to the application page, for the later stages' apps.

    ``context(request, application)`` returns the section's context (available in the template
    as ``section``), or ``None`` when this user should not see the section. ``select_related``
    names one-to-one relations of the application the section reads: they are loaded with the
    application in its one query (read them with ``selectors.one_to_one_or_none``).
    """
    _detail_sections.append({"template": template, "context": context})
    _detail_select_related.extend(select_related)


def _review_context(request: HttpRequest, application) -> dict:
    """The reviewer's decision forms for the application's current state."""
    if not permissions.can_review(request.user, application):
        return {}
    from applications.forms import DeclineForm, OpenNoticeForm, RecommendForm

    context: dict = {"can_review": True}
    version = {"version": application.version}
    if application.state == ApplicationState.EMPLOYER_REVIEW:
        ends_at, _provisional = services.internal_notice_period(
            published=timezone.now(), working_days=services.MIN_NOTICE_WORKING_DAYS
        )
        context["decline_form"] = DeclineForm(initial=version)
        context["open_notice_form"] = OpenNoticeForm(
            initial={
                **version,
                "text": services.internal_notice_text(application, ends_at=ends_at),
                "working_days": services.MIN_NOTICE_WORKING_DAYS,
            }
        )
    if application.state == ApplicationState.NOTICE_PASSED:
        context["recommend_form"] = RecommendForm(initial=version)
    return context


@login_required
@require_http_methods(["GET", "POST"])
def application_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEP_SLUGS:
        raise Http404
    application = _own_application(request, pk)
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
    missing = selectors.application_missing_items(application)
    return render(
        request,
        f"applications/step_{step}.html",
        {
            "application": application,
            "steps": STEPS,
            "step": step,
            "step_number": index + 1,
            "previous_step": STEP_SLUGS[index - 1] if index else None,
            "next_step_slug": STEP_SLUGS[index + 1] if index + 1 < len(STEPS) else None,
            "missing": missing,
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


def _step_materials(request, application):
    slots = _slots_for(application)
    if not slots:
        messages.info(
            request, _("Choose your category first: it decides which materials you need.")
        )
        return redirect("applications:step", pk=application.pk, step="category")
    required = set(REQUIRED_SLOTS[Category(application.category)])
    by_slot = {slot: [] for slot in slots}
    for material in application.materials.all():
        by_slot.setdefault(material.slot, []).append(material)
    rows = [
        {
            "slot": slot,
            "label": MaterialSlot(slot).label,
            "required": slot in required,
            "materials": by_slot.get(slot, []),
        }
        for slot in slots
    ]
    form = MaterialUploadForm(allowed_slots=slots)
    return _render_step(request, application, "materials", {"rows": rows, "form": form})


@login_required
@require_POST
def material_upload(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    wants_json = request.headers.get("X-Requested-With") == "fetch"
    form = MaterialUploadForm(request.POST, request.FILES, allowed_slots=_slots_for(application))
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
    application = _own_application(request, pk)
    material = get_object_or_404(application.materials.all(), pk=material_pk)
    try:
        services.material_delete(material=material, actor=request.user)
        messages.success(request, _("Removed."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("applications:step", pk=pk, step="materials")


@login_required
def material_download(request: HttpRequest, pk: int, version_pk: int) -> FileResponse:
    """A material file, only for those who may see the application, always as an attachment."""
    version = get_object_or_404(
        selectors.material_versions_visible_to(request.user).filter(material__application_id=pk),
        pk=version_pk,
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


@login_required
@require_POST
def recommender_remind(request: HttpRequest, pk: int, recommender_pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    recommender = get_object_or_404(application.recommenders.all(), pk=recommender_pk)
    try:
        services.recommender_remind(recommender=recommender, actor=request.user)
        messages.success(request, _("Reminder sent to %(email)s.") % {"email": recommender.email})
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("applications:step", pk=pk, step="recommenders")


@login_required
@require_http_methods(["GET", "POST"])
def recommender_replace(request: HttpRequest, pk: int, recommender_pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    recommender = get_object_or_404(application.recommenders.all(), pk=recommender_pk)
    if request.method == "POST":
        form = RecommenderForm(request.POST, application=application)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("kind")
            try:
                services.recommender_replace(recommender=recommender, actor=request.user, **data)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": data["email"]}
                )
                return redirect("applications:step", pk=pk, step="recommenders")
    else:
        form = RecommenderForm(
            application=application,
            initial={"kind": recommender.kind, "head_kind": recommender.head_kind},
        )
    return render(
        request,
        "applications/recommender_replace.html",
        {"application": application, "recommender": recommender, "form": form},
    )


def _step_submit(request, application):
    missing = selectors.application_missing_items(application)
    if request.method == "POST":
        form = SubmitForm(request.POST)
        if form.is_valid():
            service = (
                services.application_resubmit
                if application.state == ApplicationState.RETURNED
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
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _own_application(request, pk)
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            try:
                services.application_withdraw(
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


@login_required
@require_POST
def application_return(request: HttpRequest, pk: int) -> HttpResponse:
    application = _visible_application(request, pk)
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


# --- the recommender's page (no account: the signed link and an emailed code) -----------------

RECOMMENDER_SESSION_KEY = "recommender_verified"


@require_http_methods(["GET", "POST"])
def recommend(request: HttpRequest, token: str) -> HttpResponse:
    try:
        recommender = services.recommender_from_token(token)
    except ApplicationError as error:
        return render(
            request, "applications/recommend_invalid.html", {"error": error.message}, status=404
        )
    code_form = CodeForm()
    recommendation_form = RecommendationForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "send_code":
                services.recommender_send_code(recommender=recommender)
                messages.success(
                    request, _("A code has been sent to %(email)s.") % {"email": recommender.email}
                )
                return redirect(request.path)
            if action == "verify":
                code_form = CodeForm(request.POST)
                if code_form.is_valid():
                    services.recommender_verify_code(
                        recommender=recommender,
                        code=code_form.cleaned_data["code"],
                        user=request.user,
                    )
                    return redirect(request.path)
            elif action == "respond":
                recommendation_form = RecommendationForm(request.POST, request.FILES)
                if recommendation_form.is_valid():
                    data = recommendation_form.cleaned_data
                    services.recommender_respond(
                        recommender=recommender,
                        senior_title=data["senior_title"],
                        senior_title_level=data["senior_title_level"],
                        title_certificate_number=data["title_certificate_number"],
                        field=data["field"],
                        opinion=data["opinion"],
                        letter_file=data["letter"],
                        user=request.user,
                    )
                    messages.success(
                        request, _("Thank you. Your recommendation has been recorded.")
                    )
                    return redirect(request.path)
        except (ApplicationError, UploadRefused) as error:
            messages.error(request, error.message)
        recommender.refresh_from_db()
    return render(
        request,
        "applications/recommend.html",
        {
            "recommender": recommender,
            "application": recommender.application,
            "code_form": code_form,
            "form": recommendation_form,
        },
    )


def applicant_dashboard_context(user) -> dict:
    """What the applicant's panel on the dashboard shows."""
    applications = list(selectors.applicant_dashboard_applications(user))
    return {
        "applications": [
            {"application": a, "next_step": selectors.application_next_step(a)}
            for a in applications
        ],
        "can_start": permissions.can_create_application(user)
        and not any(
            a.state in (ApplicationState.DRAFT, ApplicationState.RETURNED) for a in applications
        ),
        "new_url": reverse("applications:new"),
    }


def employer_dashboard_context(user) -> dict:
    from applications.views_employer import QUEUE_STATES

    return {"awaiting": selectors.employer_queue(user, states=QUEUE_STATES).count()}
