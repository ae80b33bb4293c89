"""Who is a party to an application (DOMAIN.md rule 5): nobody acts on one they are party to.

A party is the applicant, one of its recommenders (matched by email, as recommenders are invited
by email), or someone who declared a conflict of interest with it at any stage
(:class:`applications.models.DeclaredConflict`). Every stage's permission check asks
:func:`is_party`; ``review.conflicts`` adds the applicant's organization for assessors.
"""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Value
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


def _party_condition(user, application):
    """Whether ``user`` declared a conflict with ``application`` (a pk or an ``OuterRef``) or
    is one of its recommenders (the applicant is compared apart)."""
    declared = DeclaredConflict.objects.filter(application=application, person=user.pk)
    recommends = (
        Recommender.objects.filter(application=application, email__iexact=user.email)
        .exclude(status=RecommenderStatus.REPLACED)
        .exclude(email="")
    )
    return Exists(declared) | Exists(recommends)


def with_party_known(queryset, user):
    """``queryset``'s applications, each knowing in the same query whether ``user`` is a party
    to it: :func:`is_party` for ``user`` on them then costs no query (a page that asks it in
    several sections reads it once)."""
    if not getattr(user, "is_authenticated", False):
        return queryset
    return queryset.annotate(
        party_known_for=Value(user.pk),
        party_known=ExpressionWrapper(
            _party_condition(user, OuterRef("pk")), output_field=BooleanField()
        ),
    )


def is_party(user, application) -> bool:
    """True when ``user`` is a party to ``application`` and so may not act on it as reviewer,
    agency staff, expert, committee member or bureau staff (one query at most; none when the
    application was read :func:`with_party_known` for ``user``)."""
    if not getattr(user, "is_authenticated", False) or application is None:
        return False
    if user.pk == application.applicant_id:
        return True
    if getattr(application, "party_known_for", None) == user.pk:
        return application.party_known
    return (
        type(application)
        .objects.filter(_party_condition(user, application.pk), pk=application.pk)
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
