"""Conflicts of interest (DOMAIN.md rule 5), shared by the panel and the committee.

A person may not assess an application when they are the applicant, belong to the applicant's
organization (the employer, or a freelancer's recommending body), or are one of its recommenders
(matched by email, as recommenders are invited by email), or declared a conflict with it at any
stage (``applications.parties``: a conflict follows the person, not the stage).
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from applications.parties import parties_among
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
    found = parties_among(users, application)
    for user in users:
        if user.pk in members:
            found[user.pk].insert(
                1 if user.pk == application.applicant_id else 0,
                _("belongs to the applicant's organization"),
            )
    return found


def conflicts_of(user, application) -> list[Promise]:
    """The reasons, if any, why ``user`` may not assess ``application``; empty when none."""
    return conflicts_among([user], application)[user.pk]
