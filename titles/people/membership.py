"""Organizations that register themselves, and the people who belong to them.

* An employer or a recommending body registers with its unified social credit code and a first
  HR reviewer (:func:`organization_register`); it stays pending until bureau staff approve it
  (:func:`organization_approve`) or refuse it with a reason (:func:`organization_refuse`).
* Its reviewers invite further reviewers and colleagues by email (:func:`organization_invite`,
  :func:`invitation_accept`), and confirm the requests of people who ask to join
  (:func:`join_request_create`, :func:`join_request_decide`).
* An applicant whose employer is not registered invites it to register
  (:func:`organization_invite_to_register`).

Every write is atomic, audited in the same transaction, and its notices are rows written in it.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from titles.audit import audit_action_label_register, audit_record
from titles.enums import (
    InvitationRole,
    JoinRequestStatus,
    MembershipVia,
    OrganizationKind,
    OrganizationStatus,
    Role,
)
from titles.errors import NotAllowed, RuleViolation
from titles.models import JoinRequest, Membership, Organization, OrganizationInvitation, User
from titles.notifications import email_to_address, notification_kind_register, notify
from titles.people.persons import person_sign_up
from titles.people.roles import has_role, role_grant
from titles.people.selectors import (
    is_member_of,
    organizations_reviewable_by,
    reviewers_of_organization,
    users_with_role,
)

for _action, _label in {
    "organization.register": _("Organization registered itself"),
    "organization.approve": _("Organization's registration approved"),
    "organization.refuse": _("Organization's registration refused"),
    "organization.invite": _("Invitation to the organization sent"),
    "organization.invite_to_register": _("Employer invited to register"),
    "membership.create": _("Joined the organization"),
    "join_request.create": _("Asked to join the organization"),
    "join_request.confirm": _("Request to join confirmed"),
    "join_request.refuse": _("Request to join refused"),
}.items():
    audit_action_label_register(_action, _label)

# Who may register itself: an employer, or a body that recommends freelancers (rule 12).
SELF_REGISTERING_KINDS = (
    OrganizationKind.EMPLOYER,
    OrganizationKind.INDUSTRY_ASSOCIATION,
    OrganizationKind.LEARNED_SOCIETY,
    OrganizationKind.DISTRICT_HR_BUREAU,
)
INVITATION_VALID_DAYS = 14
REFUSAL_REASON_MAX = 5000


def _invitation_lifetime() -> timedelta:
    return timedelta(days=INVITATION_VALID_DAYS)


notification_kind_register(
    "organization_registered",
    subject=_("%(organization)s registered and awaits your approval"),
    body=_(
        "%(organization)s (unified social credit code %(code)s) registered itself with "
        "%(reviewer)s as its first HR reviewer. Approve or refuse the registration."
    ),
)
notification_kind_register(
    "organization_approved",
    subject=_("The registration of %(organization)s is approved"),
    body=_(
        "The bureau approved the registration of %(organization)s. Its HR reviewer can now "
        "review its applications and invite colleagues and further reviewers."
    ),
)
notification_kind_register(
    "organization_refused",
    subject=_("The registration of %(organization)s is refused"),
    body=_(
        "The bureau refused the registration of %(organization)s. The reason:\n%(reason)s\n\n"
        "You may correct what the reason names and register again."
    ),
)
notification_kind_register(
    "organization_invitation",
    subject=_("%(inviter)s invites you to %(organization)s"),
    body=_(
        "%(inviter)s invites you to join %(organization)s in the senior title assessment system "
        "as %(role)s. Sign in or create an account with this email address, then open this "
        "link within %(days)s days (it works once):\n%(link)s"
    ),
    erase_after=_invitation_lifetime,
)
notification_kind_register(
    "organization_register_invitation",
    subject=_("%(applicant)s asks %(organization)s to register for senior title applications"),
    body=_(
        "%(applicant)s works at %(organization)s and wants to apply for a senior professional "
        "title of high-level, urgently needed and specially skilled talent in Beijing. The "
        "employer reviews the application first, so it must register in the system with its "
        "unified social credit code and an HR reviewer:\n%(link)s"
    ),
)
notification_kind_register(
    "join_request_created",
    subject=_("%(person)s asks to join %(organization)s"),
    body=_("%(person)s asks to join %(organization)s. Confirm or refuse the request."),
)
notification_kind_register(
    "join_request_confirmed",
    subject=_("You are now a member of %(organization)s"),
    body=_(
        "The reviewers of %(organization)s confirmed your request. You now see its internal "
        "notices and may object to them under your name."
    ),
)
notification_kind_register(
    "join_request_refused",
    subject=_("Your request to join %(organization)s is refused"),
    body=_("The reviewers of %(organization)s refused your request to join."),
)


def _site_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _membership_add(*, user, organization: Organization, via: str, actor) -> Membership:
    """The person belongs to the organization (once); audits ``membership.create``."""
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"via": via}
    )
    if created:
        audit_record(
            actor=actor,
            action="membership.create",
            obj=organization,
            data={"user": user.pk, "via": via},
        )
    return membership


def _may_review(actor, organization: Organization) -> bool:
    return organizations_reviewable_by(actor).filter(pk=organization.pk).exists()


# --- registration ----------------------------------------------------------------------------


def organization_register(
    *,
    name: str,
    kind: str,
    unified_social_credit_code: str,
    hr_email: str,
    reviewer: User,
    name_en: str = "",
    district: str = "",
) -> Organization:
    """An employer or a recommending body registers itself, ``reviewer`` as its first HR
    reviewer (an account, signed in). The organization is pending: nobody may choose it and
    the reviewer holds no role until bureau staff approve it. Audits ``organization.register``
    and tells every bureau staff member. Raises ``ValidationError`` (nothing written) for a
    kind that does not register itself, a wrong or taken credit code or name."""
    if kind not in SELF_REGISTERING_KINDS:
        raise ValidationError({"kind": _("Choose the kind of your organization.")}, code="kind")
    code = (unified_social_credit_code or "").strip().upper()
    if not code:
        raise ValidationError(
            {"unified_social_credit_code": _("Enter the unified social credit code.")},
            code="required",
        )
    organization = Organization(
        name=name.strip(),
        name_en=name_en.strip(),
        kind=kind,
        district=district if kind == OrganizationKind.DISTRICT_HR_BUREAU else "",
        unified_social_credit_code=code,
        hr_email=hr_email.strip().lower(),
        status=OrganizationStatus.PENDING,
        registered_by=reviewer,
    )
    organization.full_clean()
    with transaction.atomic():
        try:
            with transaction.atomic():
                organization.save()
        except IntegrityError:
            raise ValidationError(
                _("An organization with this name or credit code is already registered."),
                code="unique",
            ) from None
        audit_record(
            actor=reviewer,
            action="organization.register",
            obj=organization,
            data={"name": organization.name, "kind": organization.kind, "reviewer": reviewer.pk},
        )
        for staff in users_with_role(Role.BUREAU_STAFF):
            notify(
                recipient=staff,
                kind="organization_registered",
                context={
                    "organization": organization.name,
                    "code": code,
                    "reviewer": reviewer.display_name,
                },
                url=reverse("organization_registrations"),
            )
    return organization


def organization_sign_up(
    *,
    organization: dict,
    username: str,
    real_name: str,
    email: str,
    password: str,
    language: str,
) -> tuple[Organization, User]:
    """Registration by someone without an account: their account (no role yet) and the
    organization (:func:`organization_register`) in one transaction, or neither."""
    with transaction.atomic():
        reviewer = person_sign_up(
            username=username,
            real_name=real_name,
            email=email,
            password=password,
            language=language,
            as_applicant=False,
        )
        return organization_register(**organization, reviewer=reviewer), reviewer


def _pending_locked(organization: Organization, actor) -> Organization:
    if not has_role(actor, Role.BUREAU_STAFF):
        raise NotAllowed
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    if locked.status != OrganizationStatus.PENDING:
        raise RuleViolation(_("This registration has already been decided."))
    return locked


def organization_approve(*, organization: Organization, actor) -> Organization:
    """Bureau staff approve a pending registration: the organization can be chosen, its
    registrant becomes its employer reviewer and member. Audits ``organization.approve``; tells
    the registrant and emails the HR address."""
    with transaction.atomic():
        locked = _pending_locked(organization, actor)
        locked.status = OrganizationStatus.APPROVED
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        audit_record(actor=actor, action="organization.approve", obj=locked)
        context = {"organization": locked.name}
        if locked.registered_by is not None:
            role_grant(
                user=locked.registered_by,
                role=Role.EMPLOYER_REVIEWER,
                organization=locked,
                actor=actor,
            )
            _membership_add(
                user=locked.registered_by,
                organization=locked,
                via=MembershipVia.REGISTRATION,
                actor=actor,
            )
            notify(
                recipient=locked.registered_by,
                kind="organization_approved",
                context=context,
                url=reverse("organization_detail", args=[locked.pk]),
            )
        if locked.hr_email and locked.hr_email != getattr(locked.registered_by, "email", ""):
            email_to_address(
                to_address=locked.hr_email,
                language=settings.LANGUAGE_CODE,
                kind="organization_approved",
                context=context,
            )
    organization.status, organization.decided_at = locked.status, locked.decided_at
    return organization


def organization_refuse(*, organization: Organization, actor, reason: str) -> Organization:
    """Bureau staff refuse a pending registration, with the reason (shown and sent to the
    registrant and the HR address). Audits ``organization.refuse`` with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Give the reason for refusing the registration."))
    if len(reason) > REFUSAL_REASON_MAX:
        raise RuleViolation(
            _("The reason is longer than %(limit)s characters.") % {"limit": REFUSAL_REASON_MAX}
        )
    with transaction.atomic():
        locked = _pending_locked(organization, actor)
        locked.status = OrganizationStatus.REFUSED
        locked.refusal_reason = reason
        locked.decided_at = timezone.now()
        # A refused registration frees its name (the constraint skips refused rows) and its
        # code for a corrected one.
        locked.active = False
        locked.unified_social_credit_code = None
        locked.save(
            update_fields=[
                "status",
                "refusal_reason",
                "decided_at",
                "active",
                "unified_social_credit_code",
            ]
        )
        audit_record(actor=actor, action="organization.refuse", obj=locked, reason=reason)
        context = {"organization": organization.name, "reason": reason}
        if locked.registered_by is not None:
            notify(
                recipient=locked.registered_by,
                kind="organization_refused",
                context=context,
                url=reverse("organization_register"),
            )
        if locked.hr_email and locked.hr_email != getattr(locked.registered_by, "email", ""):
            email_to_address(
                to_address=locked.hr_email,
                language=settings.LANGUAGE_CODE,
                kind="organization_refused",
                context=context,
            )
    organization.status, organization.refusal_reason = locked.status, locked.refusal_reason
    organization.active = False
    organization.unified_social_credit_code = None
    return organization


# --- invitations -----------------------------------------------------------------------------


def organization_invite(
    *, organization: Organization, actor, email: str, role: str, language: str = ""
) -> tuple[OrganizationInvitation, str]:
    """A reviewer of the organization invites someone by email, as reviewer or as member.

    Returns the invitation and the token of its link (only its hash is stored). Audits
    ``organization.invite`` (without the address) and writes the email to the outbox."""
    if not _may_review(actor, organization):
        raise NotAllowed
    if role not in InvitationRole.values:
        raise ValidationError({"role": _("Choose what to invite the person as.")}, code="role")
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}, code="email") from None
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = OrganizationInvitation.objects.create(
            organization=organization,
            email=email,
            role=role,
            token_hash=_token_hash(token),
            invited_by=actor,
            expires_at=timezone.now() + _invitation_lifetime(),
        )
        audit_record(
            actor=actor,
            action="organization.invite",
            obj=organization,
            data={"invitation": invitation.pk, "role": role},
        )
        email_to_address(
            to_address=email,
            language=language or settings.LANGUAGE_CODE,
            kind="organization_invitation",
            context={
                "inviter": actor.display_name,
                "organization": organization.name,
                "role": str(InvitationRole(role).label),
                "days": INVITATION_VALID_DAYS,
                "link": _site_link(reverse("invitation_accept", args=[token])),
            },
        )
    return invitation, token


def invitation_by_token(token: str) -> OrganizationInvitation | None:
    return (
        OrganizationInvitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=_token_hash(token or ""))
        .first()
    )


def invitation_accept(*, token: str, user) -> OrganizationInvitation:
    """The invited person, signed in with the invited address, accepts: they become a member,
    and an employer reviewer when invited as one. The link works once and until it expires."""
    with transaction.atomic():
        found = invitation_by_token(token)
        if found is None:
            raise RuleViolation(_("This invitation link is not valid."))
        invitation = OrganizationInvitation.objects.select_for_update().get(pk=found.pk)
        organization = found.organization
        if invitation.accepted_at is not None:
            raise RuleViolation(_("This invitation has already been accepted."))
        if timezone.now() > invitation.expires_at:
            raise RuleViolation(_("This invitation has expired. Ask for a new one."))
        if not organization.is_approved or not organization.active:
            raise RuleViolation(_("This organization no longer takes members."))
        if (user.email or "").strip().lower() != invitation.email:
            raise RuleViolation(
                _(
                    "This invitation was sent to another email address. Sign in with the "
                    "account of that address."
                )
            )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        _membership_add(
            user=user, organization=organization, via=MembershipVia.INVITATION, actor=user
        )
        if invitation.role == InvitationRole.REVIEWER:
            role_grant(
                user=user, role=Role.EMPLOYER_REVIEWER, organization=organization, actor=user
            )
    invitation.organization = organization
    return invitation


def organization_invite_to_register(
    *, actor, organization_name: str, hr_email: str, language: str = ""
) -> None:
    """An applicant whose employer is not registered emails its HR address a link to the
    registration page. Audits ``organization.invite_to_register`` on the applicant."""
    name = (organization_name or "").strip()
    if not name:
        raise ValidationError(
            {"organization_name": _("Enter the name of your employer.")}, code="required"
        )
    email = (hr_email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"hr_email": _("Enter a valid email address.")}, code="email"
        ) from None
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="organization.invite_to_register",
            obj=actor,
            data={"organization": name[:200]},
        )
        email_to_address(
            to_address=email,
            language=language or settings.LANGUAGE_CODE,
            kind="organization_register_invitation",
            context={
                "applicant": actor.display_name,
                "organization": name[:200],
                "link": _site_link(reverse("organization_register")),
            },
        )


# --- requests to join ------------------------------------------------------------------------


def join_request_create(*, user, organization: Organization, note: str = "") -> JoinRequest:
    """A person asks to join an approved organization; its reviewers are told. Asking again
    while a request waits returns that request."""
    if not organization.is_approved or not organization.active:
        raise RuleViolation(_("This organization cannot be joined."))
    if is_member_of(user, organization.pk):
        raise RuleViolation(_("You already belong to this organization."))
    with transaction.atomic():
        waiting = JoinRequest.objects.filter(
            user=user, organization=organization, status=JoinRequestStatus.PENDING
        ).first()
        if waiting is not None:
            return waiting
        join_request = JoinRequest.objects.create(
            user=user, organization=organization, note=(note or "").strip()[:200]
        )
        audit_record(
            actor=user,
            action="join_request.create",
            obj=organization,
            data={"join_request": join_request.pk},
        )
        for reviewer in reviewers_of_organization(organization.pk):
            notify(
                recipient=reviewer,
                kind="join_request_created",
                context={"person": user.display_name, "organization": organization.name},
                url=reverse("organization_detail", args=[organization.pk]),
            )
    return join_request


def join_request_decide(*, join_request: JoinRequest, actor, confirm: bool) -> JoinRequest:
    """A reviewer of the organization confirms (the person becomes a member) or refuses a
    waiting request; the person is told either way."""
    organization = join_request.organization
    if not _may_review(actor, organization):
        raise NotAllowed
    with transaction.atomic():
        locked = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
        if locked.status != JoinRequestStatus.PENDING:
            raise RuleViolation(_("This request has already been decided."))
        locked.status = JoinRequestStatus.CONFIRMED if confirm else JoinRequestStatus.REFUSED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        audit_record(
            actor=actor,
            action="join_request.confirm" if confirm else "join_request.refuse",
            obj=organization,
            data={"join_request": locked.pk, "user": locked.user_id},
        )
        if confirm:
            _membership_add(
                user=locked.user, organization=organization, via=MembershipVia.REQUEST, actor=actor
            )
        notify(
            recipient=locked.user,
            kind="join_request_confirmed" if confirm else "join_request_refused",
            context={"organization": organization.name},
            url=reverse("dashboard"),
        )
    join_request.status = locked.status
    return join_request
