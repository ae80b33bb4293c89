"""The "3+1" recommenders: reminders and replacements by the applicant, and the recommender's
own page (no account: the signed link and an emailed code)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from applications import services
from applications.enums import RecommenderStatus
from applications.errors import ApplicationError
from applications.forms import (
    CodeForm,
    RecommendationForm,
    RecommenderDeclineForm,
    RecommenderForm,
)
from applications.uploads import UploadRefused
from applications.views import own_application


@login_required
@require_POST
def recommender_remind(request: HttpRequest, pk: int, recommender_pk: int) -> HttpResponse:
    application = own_application(request, pk)
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
    application = own_application(request, pk)
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


# --- the recommender's page -------------------------------------------------------------------

# The confirmations this browser holds, by recommender: the emailed code confirms the browser
# that entered it, not the link (a forwarded email is not enough).
RECOMMENDER_SESSION_KEY = "recommender_confirmations"


def _confirmation_of(request: HttpRequest, recommender) -> str | None:
    return request.session.get(RECOMMENDER_SESSION_KEY, {}).get(str(recommender.pk))


def _confirmation_keep(request: HttpRequest, recommender, confirmation: str) -> None:
    confirmations = dict(request.session.get(RECOMMENDER_SESSION_KEY, {}))
    confirmations[str(recommender.pk)] = confirmation
    request.session[RECOMMENDER_SESSION_KEY] = confirmations


@require_http_methods(["GET", "POST"])
def recommend(request: HttpRequest, token: str) -> HttpResponse:
    try:
        recommender = services.recommender_from_token(token)
    except ApplicationError as error:
        return render(
            request, "applications/recommend_invalid.html", {"error": error.message}, status=404
        )
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        # The page speaks the invitation's language until the visitor picks one.
        translation.activate(recommender.language)
        request.LANGUAGE_CODE = recommender.language
    code_form = CodeForm()
    recommendation_form = RecommendationForm(kind=recommender.kind)
    decline_form = RecommenderDeclineForm()
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
                    confirmation = services.recommender_verify_code(
                        recommender=recommender,
                        code=code_form.cleaned_data["code"],
                        user=request.user,
                    )
                    _confirmation_keep(request, recommender, confirmation)
                    return redirect(request.path)
            elif action == "decline":
                decline_form = RecommenderDeclineForm(request.POST)
                if decline_form.is_valid():
                    services.recommender_decline(
                        recommender=recommender,
                        reason=decline_form.cleaned_data["reason"],
                        user=request.user,
                    )
                    messages.success(
                        request, _("You have declined. The applicant has been told; thank you.")
                    )
                    return redirect(request.path)
            elif action == "respond":
                recommendation_form = RecommendationForm(
                    request.POST, request.FILES, kind=recommender.kind
                )
                if recommendation_form.is_valid():
                    data = recommendation_form.cleaned_data
                    services.recommender_respond(
                        recommender=recommender,
                        confirmation=_confirmation_of(request, recommender),
                        senior_title=data.get("senior_title", ""),
                        senior_title_level=data.get("senior_title_level", ""),
                        title_certificate_number=data.get("title_certificate_number", ""),
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
    responded = recommender.status == RecommenderStatus.RESPONDED
    confirmed = services.recommender_confirmed(
        recommender=recommender, confirmation=_confirmation_of(request, recommender)
    )
    return render(
        request,
        "applications/recommend.html",
        {
            "recommender": recommender,
            "application": recommender.application,
            "code_form": code_form,
            "form": recommendation_form,
            "decline_form": decline_form,
            "declined": recommender.status == RecommenderStatus.DECLINED,
            "responded": responded,
            "confirmed": confirmed and not responded,
            # Confirmed once, but not (or no longer) in this browser: say why a code is asked.
            "confirmed_elsewhere": not confirmed and recommender.verified_at is not None,
        },
    )
