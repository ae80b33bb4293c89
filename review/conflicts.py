"""Conflicts of interest (DOMAIN.md rule 5), shared by the panel and the committee.

A person may not assess an application when they are the applicant, belong to the applicant's
organization (the employer, or a freelancer's recommending body), or are one of its recommenders
(matched by email, as recommenders are invited by email). Self-declared conflicts are recorded by
each stage beside its own assignment or agenda item.
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def conflicts_of(user, application) -> list[Promise]:
    """The reasons, if any, why ``user`` may not assess ``application``; empty when none."""
    from applications.enums import RecommenderStatus
    from applications.models import Recommender
    from titles.people import is_member_of

    reasons = []
    if user.pk == application.applicant_id:
        reasons.append(_("is the applicant"))
    organizations = {application.employer_id, application.recommending_body_id} - {None}
    if any(is_member_of(user, organization_id) for organization_id in organizations):
        reasons.append(_("belongs to the applicant's organization"))
    if (
        user.email
        and Recommender.objects.filter(application=application, email__iexact=user.email)
        .exclude(status=RecommenderStatus.REPLACED)
        .exists()
    ):
        reasons.append(_("is one of the applicant's recommenders"))
    return reasons
