"""Thin views: the public notice and objections (no sign-in), and the bureau's decisions."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from applications.enums import ApplicationState
from applications.errors import ApplicationError
from applications.objection_pages import objection_decision_answer, objection_evidence_download
from applications.uploads import UploadRefused
from bureau import permissions, selectors, services
from bureau.forms import (
    PublicObjectionForm,
    PublishForm,
    RejectForm,
    RoundForm,
    SpecialIssuanceForm,
)
from bureau.models import PublicObjection, SpecialIssuance
from titles.confirm import confirmation_page, is_confirmed
from titles.feedback import form_decide, form_errors_report
from titles.lists import Column, ListKit, application_columns, through, xlsx_response
from titles.middleware import client_ip

RECEIVED_SESSION_KEY = "bureau_objection_reference"
NOT_RUNNING = _("This notice is no longer running.")

# --- the public -----------------------------------------------------------------------------


def notice_list(request: HttpRequest) -> HttpResponse:
    """The public notices running now: only what may be disclosed; searchable, exportable."""
    query = request.GET.get("q", "")[:100]
    if request.GET.get("format") == "xlsx":
        return _notices_export(selectors.public_notice_entries(now=timezone.now(), query=query))
    page, notices = selectors.public_notices_page(
        now=timezone.now(), page_number=request.GET.get("page"), query=query
    )
    kept = QueryDict(mutable=True)
    if query:
        kept["q"] = query
    return render(
        request,
        "bureau/notice_list.html",
        {"notices": notices, "page": page, "q": query, "query": kept.urlencode()},
    )


def _notices_export(entries) -> HttpResponse:
    def rows():
        for entry in entries.iterator(chunk_size=2000):
            shown = selectors.entry_disclosed(entry)
            yield [
                entry.notice.title,
                entry.notice.ends_at,
                shown.name,
                shown.organization,
                shown.category,
                f"{shown.title_series} · {shown.level}",
                shown.discipline,
            ]

    return xlsx_response(
        title="public-notices",
        headers=[
            _("Notice"),
            _("Ends"),
            _("Name"),
            _("Organization"),
            _("Category"),
            _("Title"),
            _("Discipline"),
        ],
        rows=rows(),
    )


@require_http_methods(["GET", "POST"])
def objection_create(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """Anyone objects to one applicant of a running notice."""
    entry = selectors.public_notice_entry_running(pk=entry_pk, now=timezone.now())
    if entry is None:
        messages.error(request, NOT_RUNNING)
        return redirect("bureau:notices")
    form = PublicObjectionForm()
    if request.method == "POST":
        form = PublicObjectionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                objection = services.public_objection_raise(
                    entry=entry,
                    real_name=form.cleaned_data["real_name"],
                    contact=form.cleaned_data["contact"],
                    statement=form.cleaned_data["statement"],
                    evidence=form.cleaned_data["evidence"],
                    client_ip=client_ip(request),
                )
            except UploadRefused as error:
                form.add_error("evidence", error.message)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                request.session[RECEIVED_SESSION_KEY] = objection.reference
                return redirect("bureau:objection_received")
    return render(
        request,
        "bureau/objection_form.html",
        {"entry": selectors.entry_disclosed(entry), "notice": entry.notice, "form": form},
    )


def objection_received(request: HttpRequest) -> HttpResponse:
    """The acknowledgement, with the reference number (shown to the sender's session only)."""
    reference = request.session.get(RECEIVED_SESSION_KEY)
    if not reference:
        return redirect("bureau:notices")
    return render(request, "bureau/objection_received.html", {"reference": reference})


# --- bureau staff ---------------------------------------------------------------------------


def _staff_only(request: HttpRequest) -> None:
    if not permissions.is_bureau_staff(request.user):
        raise Http404


QUEUE_PAGE_SIZE = 50


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    # A page at a time; a batch notice takes the applications chosen on the page, or all that
    # match the filters (issue #23).
    kit = bureau_list(request)
    if kit.wants_export:
        return kit.export()
    rows = kit.page.rows
    # The applications kept from other pages (the batch across pages): chosen again here,
    # carried as hidden fields elsewhere, so that publishing takes them all.
    kept = {int(pk): version for pk, version in request.session.get(BATCH_SESSION_KEY, {}).items()}
    shown = {row.application.pk for row in rows}
    return kit.respond(
        "bureau/queue.html",
        {
            "rows": rows,
            "form": PublishForm(),
            "kept": set(kept),
            "kept_elsewhere": sorted((pk, v) for pk, v in kept.items() if pk not in shown),
            "issuances": selectors.special_issuances_pending(),
            "objections": selectors.public_objections_open(),
        },
    )


BATCH_SESSION_KEY = "bureau_batch"


@login_required
@require_POST
def batch_keep(request: HttpRequest) -> HttpResponse:
    """Keep the applications chosen on this page for the notice (issue #23: a batch across
    pages), or forget every kept one; then the queue again, with its filters and page."""
    _staff_only(request)
    kept = dict(request.session.get(BATCH_SESSION_KEY, {}))
    if request.POST.get("forget") == "1":
        kept = {}
    else:
        chosen = [int(v) for v in request.POST.getlist("applications") if v.isdigit()]
        waiting = selectors.bureau_queue().filter(pk__in=chosen).values_list("pk", "version")
        for pk, version in waiting:
            kept[str(pk)] = version
    request.session[BATCH_SESSION_KEY] = kept
    back = QueryDict(request.POST.get("back", ""))
    return redirect(reverse("bureau:queue") + ("?" + back.urlencode() if back else ""))


def bureau_list(request: HttpRequest) -> ListKit:
    """The bureau's queue with the list kit: the page's filters, also read back when the
    notice is published for every application that matches them."""
    return ListKit(
        request,
        columns=[
            Column("choose", _("Choose"), lambda row: None, exported=False),
            *through(
                "application",
                application_columns(
                    [
                        "reference",
                        "applicant",
                        "organization",
                        "category",
                        Column(
                            "discipline",
                            _("Discipline"),
                            lambda a: f"{a.title_series} · {a.discipline}",
                            ("title_series__name", "discipline__name"),
                        ),
                    ]
                ),
            ),
            Column("committee", _("Committee result"), _committee_result),
        ],
        todo=lambda: selectors.bureau_queue().only(*selectors.QUEUE_ROW_FIELDS),
        done=lambda: (
            selectors.bureau_queue(selectors.BUREAU_DONE_STATES)
            .only(*selectors.QUEUE_ROW_FIELDS)
            .order_by("-updated_at", "-pk")
        ),
        rows=selectors.bureau_queue_rows,
        states=[(state, label) for state, label in ApplicationState.choices],
        round_field="round",
        per_page=QUEUE_PAGE_SIZE,
        paginator_class=Paginator,
        filename="bureau",
    )


def _committee_result(row) -> str:
    committee = row.committee
    if committee is None:
        return str(_("No committee record"))
    verdict = _("Approved") if committee["approved"] else _("Not approved")
    return _("%(verdict)s: %(consent)s of %(present)s present consented") % {
        "verdict": verdict,
        "consent": committee["consent"],
        "present": committee["present"],
    }


@login_required
@require_POST
def notice_publish(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    form = PublishForm(request.POST)
    matching = request.POST.get("all_matching") == "1"
    if matching:  # every application the queue's filters show (they come back as the query)
        form.fields["applications"].required = False
    if not form.is_valid():
        form_errors_report(request, form)
        return redirect("bureau:queue")
    chosen = list(form.cleaned_data["applications"])
    if matching:
        query = QueryDict(request.POST.get("query", ""), mutable=True)
        query.pop("view", None)  # only what awaits the bureau is published
        filtered = bureau_list(_with_query(request, query)).queryset
        chosen = list(
            filtered.select_related(None)
            .prefetch_related(None)
            .select_related("applicant")  # the confirmation names them
            .only("pk", "version", "applicant")
        )
    if not is_confirmed(request):
        return _publish_confirmation(request, form, chosen)
    try:
        notice = services.public_notice_publish(
            applications=chosen,
            actor=request.user,
            working_days=form.cleaned_data["working_days"],
            title=form.cleaned_data["title"],
            versions=form.cleaned_data["versions"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        request.session.pop(BATCH_SESSION_KEY, None)
        messages.success(
            request,
            _("The public notice is published: %(count)s applicants, until %(end)s.")
            % {
                "count": notice.entries.count(),
                "end": timezone.localtime(notice.ends_at).strftime("%Y-%m-%d"),
            },
        )
    return redirect("bureau:queue")


def _publish_confirmation(request: HttpRequest, form, chosen) -> HttpResponse:
    """Issue #22: say whom the notice will name, until when, and that it cannot be withdrawn."""
    ends_at, _provisional = services.public_notice_period(
        published=timezone.now(), working_days=form.cleaned_data["working_days"]
    )
    separator = "、" if get_language().startswith("zh") else ", "
    return confirmation_page(
        request,
        title=_("Publish the public notice"),
        consequences=[
            ngettext(
                "The notice will name %(count)s applicant to the public, until %(end)s "
                "(%(days)s working days), and anyone may object during that period.",
                "The notice will name %(count)s applicants to the public, until %(end)s "
                "(%(days)s working days), and anyone may object during that period.",
                len(chosen),
            )
            % {
                "count": len(chosen),
                "end": timezone.localtime(ends_at).strftime("%Y-%m-%d"),
                "days": form.cleaned_data["working_days"],
            },
            separator.join(
                f"{application.reference} {application.applicant.display_name}"
                for application in chosen
            ),
        ],
        irreversible=_(
            "A published notice cannot be withdrawn: the names stay public until it ends."
        ),
        button=_("Publish the public notice"),
        cancel_url=reverse("bureau:queue"),
    )


def _with_query(request: HttpRequest, query: QueryDict) -> HttpRequest:
    """A copy of the request whose query string is ``query`` (the queue's filters)."""
    copied = copy.copy(request)
    copied.GET = query
    return copied


# The two decisions on one application are routed by ``portal.urls``, which finds the application
# for whoever may open it (rule 10) and hands it over (POST only).


def application_reject(request: HttpRequest, application) -> HttpResponse:
    _staff_only(request)
    return form_decide(
        request,
        application=application,
        form=RejectForm(request.POST),
        action=lambda data: services.application_bureau_reject(
            application=application,
            actor=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        success=_("The application was not approved."),
    )


def special_issuance_propose(request: HttpRequest, application) -> HttpResponse:
    _staff_only(request)
    return form_decide(
        request,
        application=application,
        form=SpecialIssuanceForm(request.POST),
        action=lambda data: services.special_issuance_propose(
            application=application,
            actor=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        success=_("Proposed. A second bureau staff member must confirm the issuance."),
    )


def _issuance(request: HttpRequest, pk: int) -> SpecialIssuance:
    _staff_only(request)
    return get_object_or_404(SpecialIssuance, pk=pk)


@login_required
@require_POST
def special_issuance_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    issuance = _issuance(request, pk)
    try:
        services.special_issuance_confirm(issuance=issuance, actor=request.user)
        messages.success(request, _("Confirmed: the certificate will be issued without a notice."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("applications:detail", pk=issuance.application_id)


@login_required
@require_POST
def special_issuance_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    issuance = _issuance(request, pk)
    try:
        services.special_issuance_cancel(issuance=issuance, actor=request.user)
        messages.success(request, _("The proposal was withdrawn."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("applications:detail", pk=issuance.application_id)


def _objection(request: HttpRequest, pk: int) -> PublicObjection:
    _staff_only(request)
    return get_object_or_404(PublicObjection.objects.select_related("entry__notice"), pk=pk)


@login_required
@require_POST
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _objection(request, pk)
    return objection_decision_answer(
        request,
        objection=objection,
        decide=services.public_objection_decide,
        back=redirect("applications:detail", pk=objection.entry.application_id),
    )


@login_required
def objection_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    return objection_evidence_download(_objection(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request: HttpRequest) -> HttpResponse:
    """The application rounds; bureau staff open a new one (issue #23)."""
    _staff_only(request)
    form = RoundForm(initial={"year": timezone.localdate().year})
    if request.method == "POST":
        form = RoundForm(request.POST)
        if form.is_valid():
            try:
                services.round_open(actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The round is open."))
                return redirect("bureau:rounds")
    return render(
        request,
        "bureau/rounds.html",
        {"form": form, "rounds": selectors.rounds_with_counts()},
    )
