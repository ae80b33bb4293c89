"""Thin views: public verification (no sign-in), the holder's download, and bureau staff's
revocation and batch issuance."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.errors import ApplicationError
from bureau.models import PublicNotice
from certificates import keys, permissions, selectors, services
from certificates.enums import VerificationMethod, VerificationResult
from certificates.forms import RevokeForm, VerifyNumberForm, VerifyUploadForm
from certificates.verification import RateLimited, certificate_verify
from titles.feedback import form_errors_report
from titles.middleware import client_ip
from titles.page_cache import keep, kept, request_key

RATE_LIMITED = _(
    "Too many verifications from your network in the last minute. Please wait a minute and "
    "try again."
)


def _mask_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


# How long a rendered answer is kept (its key holds everything it shows, so only for memory).
ANSWER_KEPT_SECONDS = 60


def _answer_key(request: HttpRequest, *, outcome, shown, holder: str, method: str) -> str | None:
    """The key of a rendered answer, or None where it must be rendered: a visitor without the
    CSRF cookie gets a new secret (never another visitor's), a signed-in person's header shows
    their name and unread count, and flash messages are shown once."""
    if (
        request.method != "GET"
        or settings.CSRF_COOKIE_NAME not in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
        or request.user.is_authenticated
    ):
        return None
    shown_parts = (
        [
            str(shown.pk),
            services.data_canonical(services.certificate_data(shown)).decode(),
            shown.revoked_at.isoformat() if shown.revoked_at else "",
            holder,
        ]
        if shown
        else []
    )
    return request_key(request, "verify", get_language(), str(outcome.result), method, *shown_parts)


def _answer(request: HttpRequest, *, outcome, disclose: bool, method: str) -> HttpResponse:
    """The answer page. Every verification is recorded before this (``certificate_verify``);
    only the rendering of an identical answer to the same visitor is kept."""
    certificate = outcome.certificate
    shown = certificate if outcome.result != VerificationResult.UNKNOWN else None
    holder = (shown.holder_name if disclose else _mask_name(shown.holder_name)) if shown else ""
    key = _answer_key(request, outcome=outcome, shown=shown, holder=holder, method=method)
    if key is not None:
        content = kept(key)
        if content is not None:
            get_token(request)  # the CSRF cookie is renewed as when the page is rendered
            return HttpResponse(content)
    response = render(
        request,
        "certificates/verify.html",
        {
            "number_form": VerifyNumberForm(),
            "upload_form": VerifyUploadForm(),
            "outcome": outcome,
            "method": method,
            "certificate": shown,
            "display": services.certificate_display(shown) if shown else None,
            "holder": holder,
        },
    )
    if key is not None:
        keep(key, response.content, timeout=ANSWER_KEPT_SECONDS)
    return response


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
def notice_progress(request: HttpRequest, pk: int) -> JsonResponse:
    _staff_only(request)
    notice = get_object_or_404(PublicNotice, pk=pk)
    return JsonResponse(selectors.notice_issuance_progress(notice).as_dict())
