"""Conflicts of interest (DOMAIN.md rule 5), shared by the panel and the committee.

A person may not assess an application when they are the applicant, belong to the applicant's
organization (the employer, or a freelancer's recommending body), or are one of its recommenders
(matched by email, as recommenders are invited by email). Self-declared conflicts are recorded by
each stage beside its own assignment or agenda item.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.enums import RecommenderStatus
from applications.models import Recommender
from titles.models import RoleAssignment


def conflicts_among(users, application) -> dict[int, list[Promise]]:
    """For each of ``users``, the reasons why they may not assess ``application`` (in three
    queries, whatever the number of users); an empty list when there are none."""
    users = list(users)
    organizations = {application.employer_id, application.recommending_body_id} - {None}
    members = set(
        RoleAssignment.objects.filter(
            user__in=[user.pk for user in users], organization_id__in=organizations
        ).values_list("user_id", flat=True)
    )
    recommender_emails = {
        email.lower()
        for email in Recommender.objects.filter(application=application)
        .exclude(status=RecommenderStatus.REPLACED)
        .values_list("email", flat=True)
    }
    found = {}
    for user in users:
        reasons = []
        if user.pk == application.applicant_id:
            reasons.append(_("is the applicant"))
        if user.pk in members:
            reasons.append(_("belongs to the applicant's organization"))
        if user.email and user.email.lower() in recommender_emails:
            reasons.append(_("is one of the applicant's recommenders"))
        found[user.pk] = reasons
    return found


def conflicts_of(user, application) -> list[Promise]:
    """The reasons, if any, why ``user`` may not assess ``application``; empty when none."""
    return conflicts_among([user], application)[user.pk]
