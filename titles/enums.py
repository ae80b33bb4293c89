from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of DOMAIN.md that sign in; each is a Django group of the same name."""

    APPLICANT = "applicant", _("Applicant")
    EMPLOYER_REVIEWER = "employer_reviewer", _("Employer reviewer")
    AGENCY_STAFF = "agency_staff", _("Evaluation agency staff")
    PANEL_EXPERT = "panel_expert", _("Panel expert")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    COMMITTEE_CHAIRMAN = "committee_chairman", _("Committee chairman")
    BUREAU_STAFF = "bureau_staff", _("Bureau staff")
