"""How a page answers about an objection, on either notice (the employer's internal one, the
bureau's public one): one decision form and one evidence download, used by both notices' views.
Like ``titles.feedback``, these are not views of their own: each notice's view finds the
objection its user may see, then answers with these."""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from applications.errors import ApplicationError
from applications.forms import ObjectionDecisionForm
from applications.models import Application, Objection
from titles.confirm import confirmation_page, is_confirmed
from titles.files import stored_file_response


def objection_decision_answer(
    request: HttpRequest, *, objection: Objection, decide, back: HttpResponse
) -> HttpResponse:
    """Validate the posted decision, run ``decide(objection=, actor=, uphold=, reason=)`` (the
    notice's service) and say how it went; then ``back``."""
    form = ObjectionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision and give the reason."))
        return back
    if form.cleaned_data["decision"] == "uphold" and not is_confirmed(request):
        application = Application.objects.select_related("applicant").get(
            pk=objection.application_id
        )
        return confirmation_page(
            request,
            title=_("Uphold the objection"),
            consequences=[
                _(
                    "Upholding the objection declines application %(reference)s of %(name)s: "
                    "it ends here, and the applicant and the objector are told with your reason."
                )
                % {
                    "reference": application.reference,
                    "name": application.applicant.display_name,
                }
            ],
            quoted=[(_("Reason"), form.cleaned_data["reason"])],
            irreversible=_(
                "The decision is final: the application cannot be resumed once the objection "
                "is upheld."
            ),
            button=_("Uphold the objection"),
            cancel_url=back.url,
        )
    try:
        decide(
            objection=objection,
            actor=request.user,
            uphold=form.cleaned_data["decision"] == "uphold",
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The objection was decided."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return back


def objection_evidence_download(objection: Objection) -> FileResponse:
    """The objection's evidence file as an attachment, under the name it was sent with."""
    return stored_file_response(objection.evidence, filename=objection.evidence_name)
