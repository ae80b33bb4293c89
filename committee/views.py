"""The committee's pages: meetings, the agenda item with its ballot, the minutes."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.errors import ApplicationError
from applications.selectors import active_recommenders
from committee import permissions, selectors, services
from committee.enums import BallotStatus, MeetingStatus
from committee.forms import AgendaAddForm, MeetingForm, RecusalForm, RollForm, VoteForm
from committee.minutes import minutes_context, minutes_pdf_render
from review.conflicts import conflicts_of
from review.selectors import panel_summary
from titles.confirm import confirmation_page, is_confirmed
from titles.feedback import form_errors_report
from titles.lists import Column, ListKit, application_columns, xlsx_response
from titles.voting import RULE_TEXT, rule_arithmetic


def _meeting(request, pk) -> "services.Meeting":
    meeting = selectors.meetings_visible_to(request.user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def _item(request, pk) -> "services.AgendaItem":
    item = selectors.items_visible_to(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def _run(request, action, success, back):
    """Run one service; a refusal becomes a message, never an error page."""
    try:
        action()
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return back


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    committees = list(selectors.committees_of(request.user))
    if not committees:
        raise Http404
    meetings = selectors.meetings_visible_to(request.user).order_by("-starts_at", "pk")
    chaired = [c for c in committees if c.chairman_id == request.user.pk]
    return render(
        request,
        "committee/meeting_list.html",
        {"meetings": meetings, "chaired": chaired, "form": MeetingForm()},
    )


@login_required
@require_POST
def meeting_create(request: HttpRequest) -> HttpResponse:
    committee = selectors.committees_of(request.user).filter(chairman=request.user).first()
    if committee is None:
        raise Http404
    form = MeetingForm(request.POST)
    if not form.is_valid():
        form_errors_report(request, form)
        return redirect("committee:meetings")
    made = []
    back = _run(
        request,
        lambda: made.append(
            services.meeting_create(committee=committee, actor=request.user, **form.cleaned_data)
        ),
        _("The meeting was scheduled."),
        None,
    )
    if made:
        return redirect("committee:meeting", pk=made[0].pk)
    return back or redirect("committee:meetings")


# What the agenda shows of an item: not its ballot's key material, nor the application's texts.
_AGENDA_FIELDS = (
    "meeting",
    "status",
    "approved",
    "position",
    "application",
    "application__applicant",
    "application__applicant__real_name",
    "application__applicant__first_name",
    "application__applicant__last_name",
    "application__applicant__username",
)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Not the signed minutes' PDF (a closed meeting's): the page only links to them.
    meeting = selectors.meetings_visible_to(request.user).defer("minutes_pdf").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    if request.GET.get("format") == "xlsx":
        return _results_export(meeting)
    voters = selectors.committee_voters(meeting.committee)
    present = selectors.present_member_ids(meeting)
    can_run = permissions.can_run(request.user, meeting)
    context = {
        "meeting": meeting,
        "items": list(meeting.items.select_related("application__applicant").only(*_AGENDA_FIELDS)),
        "voters": voters,
        "present": present,
        "can_run": can_run,
        "is_open": meeting.status == MeetingStatus.OPEN,
        # A meeting opens on its day, not before (issue #22; the service refuses it too).
        "its_day_has_come": timezone.localdate() >= timezone.localdate(meeting.starts_at),
        "quorum": selectors.quorum_of(meeting.committee, members=len(voters)),
        "presiding": meeting.presided_by
        if meeting.presided_by_id not in (None, meeting.committee.chairman_id)
        else None,
    }
    context["has_quorum"] = len(present) >= context["quorum"]
    if can_run and meeting.status == MeetingStatus.SCHEDULED:
        context["agenda_form"] = AgendaAddForm(applications=selectors.applications_for_agenda())
    if can_run and meeting.status == MeetingStatus.OPEN:
        context["roll_form"] = RollForm(
            initial={"present": [str(pk) for pk in present]}, voters=voters
        )
    return render(request, "committee/meeting_detail.html", context)


def _chairman_post(request, pk, action, success):
    meeting = _meeting(request, pk)
    return _run(
        request,
        lambda: action(meeting),
        success,
        redirect("committee:meeting", pk=meeting.pk),
    )


@login_required
@require_POST
def meeting_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _chairman_post(
        request,
        pk,
        lambda meeting: services.meeting_open(meeting=meeting, actor=request.user),
        _("The meeting is open. Take the roll."),
    )


@login_required
@require_POST
def meeting_close(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_confirmed(request):
        meeting = _meeting(request, pk)
        undecided = meeting.items.exclude(status=BallotStatus.CLOSED).count()
        consequences = [
            _(
                "The meeting of %(date)s will be closed: its minutes are drawn up from the "
                "ballots, and the applicants are told the results."
            )
            % {"date": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%d")}
        ]
        if undecided:
            consequences.append(
                ngettext(
                    "%(count)s application on the agenda has no closed ballot: it will not be "
                    "decided at this meeting.",
                    "%(count)s applications on the agenda have no closed ballot: they will not "
                    "be decided at this meeting.",
                    undecided,
                )
                % {"count": undecided}
            )
        return confirmation_page(
            request,
            title=_("Close the meeting"),
            consequences=consequences,
            irreversible=_("A closed meeting cannot be reopened, nor its ballots."),
            button=_("Close the meeting"),
            cancel_url=reverse("committee:meeting", args=[meeting.pk]),
        )
    return _chairman_post(
        request,
        pk,
        lambda meeting: services.meeting_close(meeting=meeting, actor=request.user),
        _("The meeting is closed; the applicants are told the results."),
    )


@login_required
@require_POST
def roll_call(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = RollForm(request.POST, voters=selectors.committee_voters(meeting.committee))
    back = redirect("committee:meeting", pk=meeting.pk)
    if not form.is_valid():
        messages.error(request, _("Choose the members present from the list."))
        return back
    return _run(
        request,
        lambda: services.roll_call(
            meeting=meeting, actor=request.user, present_ids=form.present_ids()
        ),
        _("The roll was recorded."),
        back,
    )


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = AgendaAddForm(request.POST, applications=selectors.applications_for_agenda())
    back = redirect("committee:meeting", pk=meeting.pk)
    if not form.is_valid():
        messages.error(request, _("This application cannot be put on the agenda."))
        return back
    return _run(
        request,
        lambda: services.agenda_add(
            meeting=meeting, application=form.cleaned_data["application"], actor=request.user
        ),
        _("The application is on the agenda."),
        back,
    )


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    meeting = item.meeting
    application = item.application
    voters = selectors.committee_voters(meeting.committee)
    present = selectors.present_member_ids(meeting)
    recusals = list(item.recusals.select_related("member"))
    recused = {recusal.member_id for recusal in recusals}
    me = request.user
    may_vote = permissions.can_vote(me, item, present=present, recused=recused)
    voted = selectors.has_voted(me, item) if item.status == BallotStatus.OPEN else False
    can_run = permissions.can_run(me, meeting)
    pending = item.status == BallotStatus.PENDING and meeting.status != MeetingStatus.CLOSED
    is_open = item.status == BallotStatus.OPEN
    yet_to_vote = selectors.members_yet_to_vote(item) if is_open else []
    return render(
        request,
        "committee/item_detail.html",
        {
            "item": item,
            "meeting": meeting,
            "application": application,
            "summary": panel_summary(application=application),
            "recommenders": active_recommenders(application),
            "recusals": recusals,
            "my_recusal": next((r for r in recusals if r.member_id == me.pk), None),
            "my_conflicts": conflicts_of(me, application) if pending else [],
            "present_count": len(present),
            "eligible_count": len(present - recused),
            "turnout": selectors.turnout(item) if item.status == BallotStatus.OPEN else None,
            "may_vote": may_vote and not voted,
            "voted": voted,
            "vote_form": VoteForm() if may_vote and not voted else None,
            "can_run": can_run,
            "can_open_ballot": permissions.can_open_ballot(me, item),
            "can_close_ballot": permissions.can_close_ballot(me, item),
            # Who has not voted yet (names, never choices); the ballot closes when nobody is left.
            "yet_to_vote": [member.display_name for member in yet_to_vote],
            "may_close": permissions.can_close_ballot(me, item) and not yet_to_vote,
            "can_declare": pending and me.pk not in recused,
            "recusal_form": RecusalForm(voters=voters) if can_run and pending else None,
            "tallies_visible": permissions.tallies_visible(item),
            "rule": RULE_TEXT,
            "arithmetic": rule_arithmetic(item.consent, item.present)
            if permissions.tallies_visible(item)
            else "",
        },
    )


@login_required
@require_GET
def ballot_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the item page's script polls (issue #22): the count and who has not voted yet
    (names, never choices), and a ``stage`` that changes when the page must be loaded again
    (the ballot opened or closed, or nobody is left to vote and it may be closed). Without
    the script the page's Refresh link shows the same."""
    item = _item(request, pk)
    is_open = item.status == BallotStatus.OPEN
    yet_to_vote = selectors.members_yet_to_vote(item) if is_open else []
    present = selectors.present_member_ids(item.meeting)
    eligible = len(present - selectors.recused_member_ids(item))
    voted = selectors.turnout(item) if is_open else 0
    response = JsonResponse(
        {
            "stage": f"{item.status}:{'all' if is_open and not yet_to_vote else 'waiting'}",
            "voted": voted,
            "eligible": eligible,
            "turnout": gettext("%(voted)s of %(eligible)s members have voted.")
            % {"voted": voted, "eligible": eligible},
            "yet_to_vote": [member.display_name for member in yet_to_vote],
        }
    )
    response["Cache-Control"] = "no-store"
    return response


def _item_post(request, pk, action, success):
    item = _item(request, pk)
    return _run(request, lambda: action(item), success, redirect("committee:item", pk=item.pk))


@login_required
@require_POST
def ballot_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_post(
        request,
        pk,
        lambda item: services.ballot_open(item=item, actor=request.user),
        _("The ballot is open."),
    )


@login_required
@require_POST
def ballot_close(request: HttpRequest, pk: int) -> HttpResponse:
    if not is_confirmed(request):
        item = _item(request, pk)
        yet_to_vote = len(selectors.members_yet_to_vote(item)) if item.ballot_open else 0
        return confirmation_page(
            request,
            title=_("Close the ballot and count"),
            consequences=[
                _("The ballot on %(reference)s %(name)s will be closed and counted.")
                % {
                    "reference": item.application.reference,
                    "name": item.application.applicant.display_name,
                },
                ngettext(
                    "%(count)s member present has not voted yet.",
                    "%(count)s members present have not voted yet.",
                    yet_to_vote,
                )
                % {"count": yet_to_vote},
            ],
            irreversible=_(
                "Once closed, nobody can vote on this application any more, and the count stands."
            ),
            button=_("Close the ballot and count"),
            cancel_url=reverse("committee:item", args=[item.pk]),
        )
    return _item_post(
        request,
        pk,
        lambda item: services.ballot_close(item=item, actor=request.user),
        _("The ballot is closed and counted."),
    )


@sensitive_post_parameters("choice")
@login_required
@require_POST
def ballot_cast(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose consent, oppose or abstain."))
        return redirect("committee:item", pk=item.pk)
    return _run(
        request,
        lambda: services.ballot_cast(
            item=item, member=request.user, choice=form.cleaned_data["choice"]
        ),
        _("Your vote was cast. It cannot be changed, and nobody can see how you voted."),
        redirect("committee:item", pk=item.pk),
    )


@login_required
@require_POST
def recusal_declare(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    voters = selectors.committee_voters(item.meeting.committee)
    back = redirect("committee:item", pk=item.pk)
    if "member" in request.POST:
        form = RecusalForm(request.POST, voters=voters)
    else:
        form = RecusalForm({**request.POST.dict(), "member": request.user.pk}, voters=voters)
    if not form.is_valid():
        messages.error(request, _("Say why the member is recused."))
        return back
    member = next(user for user in voters if user.pk == form.cleaned_data["member"])
    return _run(
        request,
        lambda: services.recusal_declare(
            item=item, member=member, actor=request.user, reason=form.cleaned_data["reason"]
        ),
        _("The recusal was recorded."),
        back,
    )


@login_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.minutes_visible_to(request.user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return render(
        request,
        "committee/minutes.html",
        {
            **minutes_context(meeting=meeting),
            "can_sign": permissions.can_sign_minutes(request.user, meeting),
            "sits_on_committee": permissions.is_in_committee(request.user, meeting.committee),
        },
    )


@login_required
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.minutes_visible_to(request.user).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    if meeting.status != MeetingStatus.CLOSED:
        raise Http404
    pdf = bytes(meeting.minutes_pdf) if meeting.minutes_pdf else minutes_pdf_render(meeting=meeting)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.pk}.pdf"'
    return response


@login_required
@require_POST
def minutes_sign(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return _run(
        request,
        lambda: services.minutes_sign(meeting=meeting, actor=request.user),
        _("The minutes are signed off and can no longer change."),
        redirect("committee:minutes", pk=meeting.pk),
    )


def _agenda_builder_list(request: HttpRequest) -> ListKit:
    return ListKit(
        request,
        columns=[
            Column("choose", _("Choose"), lambda a: None, exported=False),
            *application_columns(
                ["reference", "applicant", "category", "series", "discipline", "organization"]
            ),
        ],
        todo=selectors.applications_for_agenda().select_related(
            "employer", "recommending_body", "title_series", "round"
        ),
        round_field="round",
        per_page=50,
        filename="agenda-candidates",
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_builder(request: HttpRequest, pk: int) -> HttpResponse:
    """The chairman builds the agenda from a filtered list: the chosen rows, or every
    application that matches the filters, in one step (issue #23)."""
    meeting = _meeting(request, pk)
    if not permissions.can_run(request.user, meeting) or meeting.status != MeetingStatus.SCHEDULED:
        raise Http404
    if request.method == "POST":
        query = QueryDict(request.POST.get("query", ""))
        filtered = copy.copy(request)
        filtered.GET = query
        candidates = _agenda_builder_list(filtered).queryset
        if request.POST.get("all_matching") != "1":
            chosen = [int(v) for v in request.POST.getlist("applications") if v.isdigit()]
            candidates = candidates.filter(pk__in=chosen)
        applications = list(candidates.select_related(None).only("pk"))
        back = redirect("committee:meeting", pk=meeting.pk)
        return (
            _run(
                request,
                lambda: services.agenda_add_many(
                    meeting=meeting, applications=applications, actor=request.user
                ),
                _("The applications are on the agenda."),
                back,
            )
            or back
        )
    kit = _agenda_builder_list(request)
    return kit.respond("committee/agenda_builder.html", {"meeting": meeting})


def _results_export(meeting) -> HttpResponse:
    """The meeting's agenda and, for each ballot closed, its result (issue #23); a ballot
    still open or not yet held shows its status only (the count is secret until it closes)."""
    items = meeting.items.select_related(
        "application__applicant",
        "application__title_series",
        "application__discipline",
        "application__employer",
        "application__recommending_body",
    ).order_by("position")

    def rows():
        for item in items:
            application = item.application
            closed = item.status == BallotStatus.CLOSED
            yield [
                item.position,
                application.reference,
                application.applicant.display_name,
                application.title_series,
                application.discipline,
                item.get_status_display(),
                item.present if closed else None,
                item.consent if closed else None,
                item.oppose if closed else None,
                item.abstain if closed else None,
                (_("Approved") if item.approved else _("Not approved")) if closed else None,
            ]

    return xlsx_response(
        title="committee-results",
        headers=[
            _("No."),
            _("Reference"),
            _("Applicant"),
            _("Series"),
            _("Discipline"),
            _("Ballot"),
            _("Present"),
            _("Consent"),
            _("Oppose"),
            _("Abstain"),
            _("Result"),
        ],
        rows=rows(),
    )
