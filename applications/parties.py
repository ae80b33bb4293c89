"""Who is a party to an application (DOMAIN.md rule 5): nobody acts on one they are party to.

A party is the applicant, one of its recommenders (matched by email, as recommenders are invited
by email), or someone who declared a conflict of interest with it at any stage
(:class:`applications.models.DeclaredConflict`). Every stage's permission check asks
:func:`is_party`; ``review.conflicts`` adds the applicant's organization for assessors.
"""

from django.db.models import Exists
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.enums import RecommenderStatus
from applications.models import DeclaredConflict, Recommender


def parties_among(users, application) -> dict[int, list]:
    """For each of ``users``, why they are a party to ``application`` (two queries, whatever
    the number of users): reasons as lazy text, a declared conflict with its own words."""
    users = list(users)
    recommender_emails = {
        email.lower()
        for email in Recommender.objects.filter(application=application)
        .exclude(status=RecommenderStatus.REPLACED)
        .values_list("email", flat=True)
    }
    declared = dict(
        DeclaredConflict.objects.filter(
            application=application, person__in=[user.pk for user in users]
        ).values_list("person_id", "reason")
    )
    found = {}
    for user in users:
        reasons: list = []
        if user.pk == application.applicant_id:
            reasons.append(_("is the applicant"))
        if user.email and user.email.lower() in recommender_emails:
            reasons.append(_("is one of the applicant's recommenders"))
        if user.pk in declared:
            reasons.append(
                _("declared a conflict of interest: %(reason)s") % {"reason": declared[user.pk]}
            )
        found[user.pk] = reasons
    return found


def is_party(user, application) -> bool:
    """True when ``user`` is a party to ``application`` and so may not act on it as reviewer,
    agency staff, expert, committee member or bureau staff (one query at most)."""
    if not getattr(user, "is_authenticated", False) or application is None:
        return False
    if user.pk == application.applicant_id:
        return True
    declared = DeclaredConflict.objects.filter(application=application.pk, person=user.pk)
    recommends = (
        Recommender.objects.filter(application=application.pk, email__iexact=user.email)
        .exclude(status=RecommenderStatus.REPLACED)
        .exclude(email="")
    )
    return (
        type(application)
        .objects.filter(Exists(declared) | Exists(recommends), pk=application.pk)
        .exists()
    )


def conflict_declare(*, application, person, stage: str, reason: str) -> DeclaredConflict:
    """Record that ``person`` declared a conflict with ``application`` (at ``stage``); the
    first declaration stands. Called inside the declaring stage's own transaction."""
    conflict, _created = DeclaredConflict.objects.get_or_create(
        application=application,
        person=person,
        defaults={"stage": stage, "reason": reason[:2000], "declared_at": timezone.now()},
    )
    return conflict
