"""A person's own data: name and contact, the resident ID number (encrypted), signing up."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from titles.audit import audit_action_label_register, audit_record
from titles.enums import Role
from titles.id_numbers import (
    id_number_encrypt,
    id_number_lookup_hash,
    id_number_normalise,
    id_number_validate,
)
from titles.models import (
    User,
)
from titles.people.roles import role_grant

for _action, _label in {
    "person.create": _("Account created"),
    "person.update": _("Personal details changed"),
    "person.set_id_number": _("Resident ID number recorded"),
}.items():
    audit_action_label_register(_action, _label)

# --- Personal data ---------------------------------------------------------------------------


def person_update(*, user, actor, real_name: str, phone: str, email: str) -> None:
    """Change a person's name, phone and email; audits which fields changed (not their values)."""
    values = {"real_name": real_name.strip(), "phone": phone.strip(), "email": email.strip()}
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            raise ValidationError(
                {"email": _("Enter a valid email address.")}, code="email"
            ) from None
        taken = User.objects.filter(email__iexact=values["email"]).exclude(pk=user.pk)
        if taken.exists():
            raise ValidationError(
                {"email": _("An account with this email already exists.")}, code="email_taken"
            )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        if not changed:
            return
        for name in changed:
            setattr(locked, name, values[name])
        locked.save(update_fields=changed)
        audit_record(actor=actor, action="person.update", obj=locked, data={"fields": changed})
    for name in changed:
        setattr(user, name, values[name])


def person_sign_up(
    *,
    username: str,
    real_name: str,
    email: str,
    password: str,
    language: str,
    as_applicant: bool = True,
) -> User:
    """A person creates their own account: an applicant, or (``as_applicant=False``) the first
    HR reviewer of an organization that registers itself, who gets their role on approval.

    In one transaction: the person with their password (hashed) and preferred language, the
    ``person.create`` audit event on them (the fields set, never their values), and the
    applicant role through :func:`role_grant` (``role.grant``). The caller has validated the
    values (the sign-up form); a username taken meanwhile raises ``ValidationError`` and leaves
    nothing behind.
    """
    user = User(
        username=username,
        real_name=real_name.strip(),
        email=email.strip().lower(),
        preferred_language=(language or settings.LANGUAGE_CODE)[:10],
    )
    user.set_password(password)
    with transaction.atomic():
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise ValidationError(
                {"username": _("A user with that username already exists.")}, code="unique"
            ) from None
        audit_record(
            actor=user,
            action="person.create",
            obj=user,
            data={"fields": ["email", "password", "preferred_language", "real_name", "username"]},
        )
        if as_applicant:
            role_grant(user=user, role=Role.APPLICANT, actor=user)
    return user


def person_record_account_change(*, user, actor, fields: list[str], created: bool) -> None:
    """Audit an account the admin created or changed (``person.create`` / ``person.update``),
    naming the fields changed, never their values. The admin saves the account itself."""
    audit_record(
        actor=actor,
        action="person.create" if created else "person.update",
        obj=user,
        data={"fields": sorted(fields)},
    )


def person_set_id_number(*, user, id_number: str, actor) -> None:
    """Validate (GB 11643), encrypt and store the person's resident ID number with its lookup hash.

    Raises ``ValidationError`` with a message saying what is wrong, or that another account holds
    the number. Audits ``person.set_id_number`` on the person, without the number. Setting the
    number already stored changes and records nothing.
    """
    number = id_number_validate(id_number)
    digest = id_number_lookup_hash(number)
    taken = ValidationError(
        _("This ID number is already registered to another account."), code="id_number_taken"
    )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.id_number_hash == digest:
            return
        if User.objects.filter(id_number_hash=digest).exclude(pk=user.pk).exists():
            raise taken
        replaced = bool(locked.id_number_hash)
        locked.id_number_encrypted = id_number_encrypt(number)
        locked.id_number_hash = digest
        try:
            with transaction.atomic():
                locked.save(update_fields=["id_number_encrypted", "id_number_hash"])
        except IntegrityError:
            raise taken from None
        audit_record(
            actor=actor, action="person.set_id_number", obj=locked, data={"replaced": replaced}
        )
    user.id_number_encrypted = locked.id_number_encrypted
    user.id_number_hash = locked.id_number_hash


def id_number_for_viewer(*, subject, viewer) -> str:
    """The subject's ID number in clear for the holder, masked (``110***********1234``) for anyone
    else, bureau staff and superusers included; empty when none is recorded."""
    if getattr(viewer, "is_authenticated", False) and viewer.pk == subject.pk:
        return subject.id_number
    return subject.id_number_masked


def person_by_id_number(id_number: str) -> User | None:
    """The account holding exactly this number (found by its keyed hash), or None."""
    number = id_number_normalise(id_number)
    if not number:
        return None
    return User.objects.filter(id_number_hash=id_number_lookup_hash(number)).first()
