"""How a page answers about an objection, on either notice (the employer's internal one, the
bureau's public one): one decision form and one evidence download, used by both notices' views.
Like ``titles.feedback``, these are not views of their own: each notice's view finds the
objection its user may see, then answers with these."""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from applications.errors import ApplicationError
from applications.forms import ObjectionDecisionForm
from applications.models import Objection
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
