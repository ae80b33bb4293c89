"""Creating a draft and saving the steps of the guided form."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from applications import permissions
from applications.enums import (
    ACTIVE_RECOMMENDER_STATUSES,
    HEAD_KIND_FOR_CATEGORY,
    OPEN_STATES,
    RecommenderKind,
)
from applications.errors import ChangedMeanwhile, NotAllowed, RuleViolation
from applications.models import FORM_FIELDS, Application
from applications.selectors import district_refusal
from titles.audit import audit_record
from titles.enums import BeijingDistrict

# --- creating and editing --------------------------------------------------------------------


def application_create(*, applicant) -> Application:
    """Start a draft. One open application per person at a time: the two halves of
    ``permissions.can_start_application``, which the dashboard's button asks too."""
    if not permissions.can_create_application(applicant):
        raise NotAllowed
    with transaction.atomic():
        own = applicant.applications.select_for_update().filter(state__in=OPEN_STATES)
        if permissions.has_open_application(own.only("state")):
            raise RuleViolation(_("You already have an application in progress."))
        application = Application.objects.create(applicant=applicant)
        audit_record(
            actor=applicant, action="application.create", obj=application, to_state="draft"
        )
    return application


def application_update(
    *, application: Application, actor, expected_version: int | None = None, **fields
) -> Application:
    """Save one step of the guided form (a draft, or a returned application being corrected)."""
    editable = set(FORM_FIELDS)
    unknown = set(fields) - editable
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if expected_version is not None and locked.version != expected_version:
            raise ChangedMeanwhile
        if not permissions.can_edit(actor, locked):
            raise NotAllowed
        if "category" in fields and fields["category"] != locked.category:
            head = locked.recommenders.filter(
                kind=RecommenderKind.HEAD, status__in=ACTIVE_RECOMMENDER_STATUSES
            ).first()
            if head and head.head_kind != HEAD_KIND_FOR_CATEGORY.get(fields["category"]):
                raise RuleViolation(
                    _(
                        "Replace the head recommender first: their office does not fit "
                        "the new category."
                    )
                )
        if fields.get("district", "") not in ("", *BeijingDistrict.values):
            raise RuleViolation(_("Choose your district of residence from the list."))
        for name, value in fields.items():
            setattr(locked, name, value)
        if locked.is_freelancer:
            locked.employer = None
            if permissions.recommending_body_outside_district(
                locked.recommending_body, locked.district
            ):
                raise RuleViolation(district_refusal(locked.recommending_body))
        else:
            locked.recommending_body = None
        locked.version += 1
        locked.save()
        audit_record(
            actor=actor,
            action="application.update",
            obj=locked,
            data={"fields": sorted(fields)},
        )
    return locked
