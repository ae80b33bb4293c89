"""Thin views: public verification (no sign-in), the holder's download, and bureau staff's
revocation and batch issuance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.errors import ApplicationError
from applications.models import Application
from bureau.models import PublicNotice
from certificates import keys, permissions, selectors, services
from certificates.enums import VerificationMethod, VerificationResult
from certificates.forms import RevokeForm, VerifyNumberForm, VerifyUploadForm
from certificates.verification import RateLimited, certificate_verify
from titles.confirm import confirmation_page, is_confirmed
from titles.feedback import form_errors_report
from titles.lists import Column, ListKit
from titles.middleware import client_ip

RATE_LIMITED = _(
    "Too many verifications from your network in the last minute. Please wait a minute and "
    "try again."
)


def _mask_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def _answer(request: HttpRequest, *, outcome, disclose: bool, method: str) -> HttpResponse:
    """The answer page. Every verification is recorded before this (``certificate_verify``)."""
    certificate = outcome.certificate
    shown = certificate if outcome.result != VerificationResult.UNKNOWN else None
    holder = (shown.holder_name if disclose else _mask_name(shown.holder_name)) if shown else ""
    return render(
        request,
        "certificates/verify.html",
        {
            # What was typed stays in the form (issue #22): correcting one letter is enough.
            "number_form": VerifyNumberForm(
                initial={
                    "number": request.GET.get("number", ""),
                    "name": request.GET.get("name", ""),
                }
                if method == VerificationMethod.NUMBER
                else None
            ),
            "upload_form": VerifyUploadForm(),
            "outcome": outcome,
            "method": method,
            "certificate": shown,
            "display": services.certificate_display(shown) if shown else None,
            "holder": holder,
        },
    )


def _limited(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "certificates/verify.html",
        {
            "number_form": VerifyNumberForm(),
            "upload_form": VerifyUploadForm(),
            "limited": RATE_LIMITED,
        },
        status=429,
    )


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """The public page; with ``number`` and ``name`` in the query it answers for them."""
    if "number" not in request.GET:
        return render(
            request,
            "certificates/verify.html",
            {"number_form": VerifyNumberForm(), "upload_form": VerifyUploadForm()},
        )
    form = VerifyNumberForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "certificates/verify.html",
            {"number_form": form, "upload_form": VerifyUploadForm()},
            status=400,
        )
    try:
        outcome = certificate_verify(
            method=VerificationMethod.NUMBER,
            client_ip=client_ip(request),
            user=request.user,
            number=form.cleaned_data["number"],
            name=form.cleaned_data["name"],
        )
    except RateLimited:
        return _limited(request)
    return _answer(request, outcome=outcome, disclose=True, method=VerificationMethod.NUMBER)


@require_GET
def verify_number(request: HttpRequest, number: str) -> HttpResponse:
    """What the QR code opens: the number and the bureau's signature of its data."""
    signature = request.GET.get("s", "")[:200]
    try:
        outcome = certificate_verify(
            method=VerificationMethod.QR_CODE,
            client_ip=client_ip(request),
            user=request.user,
            number=number,
            signature=signature,
        )
    except RateLimited:
        return _limited(request)
    return _answer(
        request, outcome=outcome, disclose=bool(signature), method=VerificationMethod.QR_CODE
    )


@require_POST
def verify_upload(request: HttpRequest) -> HttpResponse:
    form = VerifyUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(
            request,
            "certificates/verify.html",
            {"number_form": VerifyNumberForm(), "upload_form": form},
            status=400,
        )
    try:
        outcome = certificate_verify(
            method=VerificationMethod.UPLOAD,
            client_ip=client_ip(request),
            user=request.user,
            document=form.cleaned_data["document"].read(),
        )
    except RateLimited:
        return _limited(request)
    return _answer(request, outcome=outcome, disclose=True, method=VerificationMethod.UPLOAD)


@require_GET
def public_key(request: HttpRequest) -> HttpResponse:
    """The bureau's Ed25519 public key, for checking the data signature offline."""
    return HttpResponse(keys.public_key_pem(), content_type="application/x-pem-file")


# --- the holder -------------------------------------------------------------------------------


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_visible(pk=pk, user=request.user)
    if certificate is None:
        raise Http404
    response = HttpResponse(bytes(certificate.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


VERIFICATIONS_PER_PAGE = 50


@login_required
def verifications(request: HttpRequest, pk: int) -> HttpResponse:
    """Every verification of the certificate, newest first, a page at a time: for the holder
    and bureau staff (404 for anyone else)."""
    certificate = selectors.certificate_visible(pk=pk, user=request.user)
    if certificate is None:
        raise Http404
    paginator = Paginator(selectors.verifications_of(certificate), VERIFICATIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "certificates/verifications.html",
        {"certificate": certificate, "application": certificate.application, "page": page},
    )


# --- bureau staff -----------------------------------------------------------------------------


def _staff_only(request: HttpRequest) -> None:
    if not permissions.can_issue(request.user):
        raise Http404


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    certificate = get_object_or_404(
        services.Certificate.objects.select_related("application"), pk=pk
    )
    form = RevokeForm(request.POST)
    if form.is_valid() and not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Revoke the certificate"),
            consequences=[
                _(
                    "Certificate %(number)s of %(name)s will be revoked: the public verification "
                    "page will say from now on that it is no longer valid, and the holder is told."
                )
                % {"number": certificate.number, "name": certificate.holder_name}
            ],
            quoted=[(_("Reason for revocation"), form.cleaned_data["reason"])],
            irreversible=_("A revoked certificate cannot be made valid again."),
            button=_("Revoke the certificate"),
            cancel_url=reverse("applications:detail", args=[certificate.application_id]),
        )
    if not form.is_valid():
        form_errors_report(request, form)
    else:
        try:
            services.certificate_revoke(
                certificate=certificate,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Certificate %(number)s is revoked.") % {"number": certificate.number},
            )
    return redirect("applications:detail", certificate.application_id)


@login_required
def issuance(request: HttpRequest) -> HttpResponse:
    """Notices whose applicants passed, with how many certificates are issued."""
    _staff_only(request)
    return render(
        request, "certificates/issuance.html", {"notices": selectors.notices_for_issuance()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Batch issuance for a whole notice, and its progress (the page polls ``notice_progress``)."""
    _staff_only(request)
    notice = get_object_or_404(PublicNotice, pk=pk)
    if request.method == "POST":
        try:
            queued = services.certificates_issue_for_notice(notice=notice, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Issuance queued for %(count)s applicants.") % {"count": queued},
            )
        return redirect("certificates:notice_issue", notice.pk)
    return render(
        request,
        "certificates/notice_issue.html",
        {"notice": notice, "progress": selectors.notice_issuance_progress(notice)},
    )


@login_required
@require_GET
def application_progress(request: HttpRequest, pk: int) -> JsonResponse:
    """Whether one application's certificate is issued yet, for its holder and bureau staff (the
    application page polls it while the certificate is being issued, issue #22)."""
    application = get_object_or_404(Application.objects.only("pk", "applicant_id"), pk=pk)
    if application.applicant_id != request.user.pk and not permissions.can_issue(request.user):
        raise Http404
    issued = services.Certificate.objects.filter(application_id=pk).exists()
    response = JsonResponse({"issued": int(issued), "total": 1, "done": issued})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def notice_progress(request: HttpRequest, pk: int) -> JsonResponse:
    _staff_only(request)
    notice = get_object_or_404(PublicNotice, pk=pk)
    return JsonResponse(selectors.notice_issuance_progress(notice).as_dict())


CERTIFICATE_STATES = [("valid", _("Valid")), ("revoked", _("Revoked"))]


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """Bureau staff: every certificate, valid or revoked, with how often it was verified."""
    _staff_only(request)
    kit = ListKit(
        request,
        columns=[
            Column("number", _("Certificate number"), lambda c: c.number, ("number",)),
            Column("holder", _("Holder"), lambda c: c.holder_name, ("holder_name",)),
            Column("title", _("Title"), _certificate_title, ("series", "level")),
            Column("issued", _("Issued on"), lambda c: c.issued_on, ("issued_on",)),
            Column("state", _("State"), _certificate_state, ("revoked_at",)),
            Column("verified", _("Verifications"), lambda c: c.verification_count),
            Column("reference", _("Application"), lambda c: _reference(c), shown=False),
            Column("revoked", _("Revoked at"), lambda c: c.revoked_at, shown=False),
            Column("reason", _("Reason for revocation"), lambda c: c.revoke_reason, shown=False),
        ],
        todo=selectors.certificate_register(),
        search=selectors.certificate_search,
        states=CERTIFICATE_STATES,
        state_field=lambda queryset, state: queryset.filter(revoked_at__isnull=state == "valid"),
        date_field="issued_at",
        round_field="application__round",
        filename="certificates",
        default_sort="-issued",
    )
    return kit.respond("certificates/register.html")


def _reference(certificate) -> str:
    return f"GJ{certificate.application_id:07d}"


def _certificate_title(certificate) -> str:
    return certificate.title if get_language().startswith("zh") else certificate.title_en


def _certificate_state(certificate) -> str:
    return str(_("Revoked") if certificate.revoked_at else _("Valid"))
