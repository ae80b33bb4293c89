"""Organization pages: an organization registers itself, the bureau approves it, its reviewers
invite people and confirm requests to join, an applicant invites an unregistered employer.

Thin views: validate the form, call one service of :mod:`titles.people`, turn a domain error into
a message. Bureau staff's page answers 404 to anyone else; an organization's page only to whom
``organizations_visible_as_page`` lets see it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from titles.errors import ApplicationError
from titles.forms_organizations import (
    InvitationForm,
    InviteEmployerForm,
    JoinRequestForm,
    OrganizationRegistrationForm,
    RegistrationDecisionForm,
    ReviewerAccountForm,
)
from titles.middleware import client_ip
from titles.models import JoinRequest
from titles.people import (
    invitation_accept,
    invitation_by_token,
    join_request_create,
    join_request_decide,
    join_requests_of,
    organization_approve,
    organization_invitations_open,
    organization_invite,
    organization_invite_to_register,
    organization_join_requests_waiting,
    organization_members,
    organization_refuse,
    organization_register,
    organization_registrations_decided,
    organization_registrations_pending,
    organization_sign_up,
    organizations_reviewable_by,
    organizations_visible_as_page,
)
from titles.permissions import is_bureau_staff
from titles.send_limits import send_limit_allow

# How many employers one person may invite to register in an hour (each is an email).
EMPLOYER_INVITATIONS_PER_HOUR = 5
# How many people one reviewer may invite to the organization in an hour.
INVITATIONS_PER_HOUR = 30


def _add_validation_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
def organization_register_view(request: HttpRequest) -> HttpResponse:
    """An employer or recommending body registers, with its first HR reviewer: the signed-in
    person, or an account made here."""
    signed_in = request.user.is_authenticated
    form = OrganizationRegistrationForm(request.POST or None)
    account_form = (
        None if signed_in else ReviewerAccountForm(request.POST or None, prefix="account")
    )
    status = 200
    if request.method == "POST":
        if not send_limit_allow(
            "organization_register", client_ip(request), limit=settings.SIGNUPS_PER_HOUR
        ):
            form.add_error(
                None,
                _(
                    "Too many registrations were made from your network in the last hour. "
                    "Try again later."
                ),
            )
            status = 429
        elif form.is_valid() and (account_form is None or account_form.is_valid()):
            try:
                if signed_in:
                    organization = organization_register(
                        **form.organization_values(), reviewer=request.user
                    )
                else:
                    account = account_form.cleaned_data
                    organization, reviewer = organization_sign_up(
                        organization=form.organization_values(),
                        username=account["username"],
                        real_name=account["real_name"],
                        email=account["email"],
                        password=account["password1"],
                        language=request.LANGUAGE_CODE or settings.LANGUAGE_CODE,
                    )
                    login(request, reviewer, backend="titles.backends.AccountBackend")
            except ValidationError as error:
                _add_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Your organization is registered and awaits the bureau's approval. "
                        "You will be told of the decision."
                    ),
                )
                return redirect("organization_detail", pk=organization.pk)
    return render(
        request,
        "titles/organizations/register.html",
        {"form": form, "account_form": account_form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An organization's page: its status; for its reviewers its members, the requests to join
    and the invitation form."""
    organization = get_object_or_404(organizations_visible_as_page(request.user), pk=pk)
    is_reviewer = organizations_reviewable_by(request.user).filter(pk=pk).exists()
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not is_reviewer:
            raise Http404
        if form.is_valid() and not send_limit_allow(
            "organization_invite", str(request.user.pk), limit=INVITATIONS_PER_HOUR
        ):
            form.add_error(None, _("You sent many invitations in the last hour. Try again later."))
        elif form.is_valid():
            try:
                organization_invite(
                    organization=organization,
                    actor=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    language=request.LANGUAGE_CODE,
                )
            except ValidationError as error:
                _add_validation_error(form, error)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("The invitation was sent to %(email)s.")
                    % {"email": form.cleaned_data["email"]},
                )
                return redirect("organization_detail", pk=pk)
    context = {"organization": organization, "is_reviewer": is_reviewer, "form": form}
    if is_reviewer:
        context |= {
            "members": organization_members(organization),
            "join_requests": organization_join_requests_waiting(organization),
            "invitations": organization_invitations_open(organization),
        }
    return render(request, "titles/organizations/detail.html", context)


@login_required
@require_POST
def join_request_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A reviewer confirms (``decision=confirm``) or refuses a request to join."""
    join_request = get_object_or_404(
        JoinRequest.objects.filter(
            organization__in=organizations_reviewable_by(request.user).values("pk")
        ).select_related("organization", "user"),
        pk=pk,
    )
    confirm = request.POST.get("decision") == "confirm"
    try:
        join_request_decide(join_request=join_request, actor=request.user, confirm=confirm)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(person)s is now a member.") % {"person": join_request.user.display_name}
            if confirm
            else _("The request was refused."),
        )
    return redirect("organization_detail", pk=join_request.organization_id)


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: who invites to what; signed in, the button that accepts it."""
    invitation = invitation_by_token(token)
    if invitation is None:
        raise Http404
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        try:
            invitation = invitation_accept(token=token, user=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("You now belong to %(organization)s.")
                % {"organization": invitation.organization},
            )
            return redirect("dashboard")
    return render(
        request, "titles/organizations/invitation.html", {"invitation": invitation, "token": token}
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_join(request: HttpRequest) -> HttpResponse:
    """Ask to join an organization; its reviewers confirm."""
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            join_request_create(
                user=request.user,
                organization=form.cleaned_data["organization"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Your request was sent. The organization's reviewers confirm it.")
            )
            return redirect("dashboard")
    return render(
        request,
        "titles/organizations/join.html",
        {"form": form, "requests": join_requests_of(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_invite_employer(request: HttpRequest) -> HttpResponse:
    """An applicant whose employer is not registered emails its HR department an invitation."""
    form = InviteEmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not send_limit_allow(
            "organization_invite_to_register",
            str(request.user.pk),
            limit=EMPLOYER_INVITATIONS_PER_HOUR,
        ):
            form.add_error(None, _("You sent many invitations in the last hour. Try again later."))
        else:
            try:
                organization_invite_to_register(
                    actor=request.user,
                    organization_name=form.cleaned_data["organization_name"],
                    hr_email=form.cleaned_data["hr_email"],
                    language=request.LANGUAGE_CODE,
                )
            except ValidationError as error:
                _add_validation_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "We emailed your employer's HR department a link to register. Once the "
                        "bureau approves it, you can choose it in your application."
                    ),
                )
                return redirect("applications:new")
    return render(request, "titles/organizations/invite_employer.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def organization_registrations(request: HttpRequest) -> HttpResponse:
    """Bureau staff: registrations awaiting approval, and the latest decided."""
    if not is_bureau_staff(request.user):
        raise Http404
    if request.method == "POST":
        organization_pk = request.POST.get("organization", "")
        if not organization_pk.isdigit():
            raise Http404
        organization = get_object_or_404(organization_registrations_pending(), pk=organization_pk)
        form = RegistrationDecisionForm(request.POST)
        if form.is_valid():
            try:
                if request.POST.get("decision") == "approve":
                    organization_approve(organization=organization, actor=request.user)
                    messages.success(
                        request,
                        _("%(organization)s is approved.") % {"organization": organization.name},
                    )
                else:
                    organization_refuse(
                        organization=organization,
                        actor=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(
                        request,
                        _("The registration of %(organization)s is refused.")
                        % {"organization": organization.name},
                    )
            except ApplicationError as error:
                messages.error(request, error.message)
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect("organization_registrations")
    return render(
        request,
        "titles/organizations/registrations.html",
        {
            "pending": organization_registrations_pending(),
            "decided": organization_registrations_decided(),
            "decision_form": RegistrationDecisionForm(),
        },
    )
