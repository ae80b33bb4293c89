"""The bureau's page to set up committees and the evaluation agency's staff (no admin needed).
Anyone but bureau staff gets a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committee.forms_setup import AgencyStaffForm, CommitteeSetupForm
from committee.models import Committee
from committee.setup import (
    CommitteeSetup,
    agency_staff_add,
    agency_staff_assignments,
    agency_staff_remove,
    committee_save,
    evaluation_agency,
)
from titles.errors import ApplicationError
from titles.permissions import is_bureau_staff


def _bureau_only(request) -> None:
    if not is_bureau_staff(request.user):
        raise Http404


def _committee_form_save(request, form, committee=None):
    data = form.cleaned_data
    try:
        return committee_save(
            actor=request.user,
            committee=committee,
            setup=CommitteeSetup(
                name=data["name"],
                chairman=data["chairman"],
                vice_chairman=data["vice_chairman"],
                members=data["members"],
                quorum=data["quorum"],
            ),
        )
    except ValidationError as error:
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    except ApplicationError as error:
        form.add_error(None, error.message)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Every committee, a form for a new one, and the agency's staff."""
    _bureau_only(request)
    form = CommitteeSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        committee = _committee_form_save(request, form)
        if committee is not None:
            messages.success(request, _("The committee %(name)s is set up.") % {"name": committee})
            return redirect("committee:setup")
    return render(
        request,
        "committee/setup.html",
        {
            "committees": Committee.objects.select_related("chairman", "vice_chairman")
            .prefetch_related("members")
            .order_by("name"),
            "form": form,
            "agency": evaluation_agency(),
            "agency_staff": agency_staff_assignments(),
            "agency_form": AgencyStaffForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _bureau_only(request)
    committee = get_object_or_404(Committee, pk=pk)
    form = CommitteeSetupForm(
        request.POST or None, initial=CommitteeSetupForm.initial_of(committee)
    )
    saved = request.method == "POST" and form.is_valid()
    if saved and _committee_form_save(request, form, committee) is not None:
        messages.success(request, _("The committee is saved."))
        return redirect("committee:setup")
    return render(request, "committee/setup_edit.html", {"committee": committee, "form": form})


@login_required
@require_POST
def agency_staff(request: HttpRequest) -> HttpResponse:
    """Add (``username``) or remove (``remove`` = an assignment's id) an agency staff member."""
    _bureau_only(request)
    if "remove" in request.POST:
        if not request.POST["remove"].isdigit():
            raise Http404
        assignment = get_object_or_404(agency_staff_assignments(), pk=request.POST["remove"])
        agency_staff_remove(actor=request.user, assignment=assignment)
        messages.success(
            request,
            _("%(name)s is no longer agency staff.") % {"name": assignment.user.display_name},
        )
        return redirect("committee:setup")
    form = AgencyStaffForm(request.POST)
    agency = evaluation_agency()
    if agency is None:
        messages.error(request, _("No evaluation agency is set up."))
    elif form.is_valid():
        person = form.cleaned_data["username"]
        try:
            agency_staff_add(actor=request.user, user=person, organization=agency)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(name)s is now agency staff.") % {"name": person.display_name}
            )
    else:
        for error in form.errors.get("username", []):
            messages.error(request, error)
    return redirect("committee:setup")
