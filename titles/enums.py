from django.db import models
from django.utils.translation import gettext_lazy as _


def choice_label(choices: type[models.Choices], value):
    """The label of ``value`` among ``choices`` (a ``TextChoices``), or ``value`` itself when it
    is none of them, as ``get_FOO_display()`` answers: one dictionary lookup, where
    ``get_FOO_display()`` hashes every choice of the field, each a lazy translation, on every
    call (14 % of a queue page's CPU, issue #26). For the fields a list shows on every row."""
    try:
        return choices(value).label
    except ValueError:
        return value


class Role(models.TextChoices):
    """The roles of DOMAIN.md that sign in; each is a Django group of the same name."""

    APPLICANT = "applicant", _("Applicant")
    EMPLOYER_REVIEWER = "employer_reviewer", _("Employer reviewer")
    AGENCY_STAFF = "agency_staff", _("Evaluation agency staff")
    PANEL_EXPERT = "panel_expert", _("Panel expert")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    COMMITTEE_CHAIRMAN = "committee_chairman", _("Committee chairman")
    BUREAU_STAFF = "bureau_staff", _("Bureau staff")


class OrganizationKind(models.TextChoices):
    """What an organization is; it decides which roles may act for it."""

    EMPLOYER = "employer", _("Employer")
    INDUSTRY_ASSOCIATION = "industry_association", _("Industry association")
    LEARNED_SOCIETY = "learned_society", _("Learned society")
    DISTRICT_HR_BUREAU = "district_hr_bureau", _("District HR and social security bureau")
    QUALIFICATION_AUTHORITY = "qualification_authority", _("Professional qualification authority")
    INDUSTRY_AUTHORITY = "industry_authority", _("Competent industry authority")
    EVALUATION_AGENCY = "evaluation_agency", _("Evaluation service agency")
    MUNICIPAL_BUREAU = "municipal_bureau", _("Municipal HR and social security bureau")


class BeijingDistrict(models.TextChoices):
    """The sixteen districts of Beijing (a district HR bureau serves one)."""

    DONGCHENG = "dongcheng", _("Dongcheng District")
    XICHENG = "xicheng", _("Xicheng District")
    CHAOYANG = "chaoyang", _("Chaoyang District")
    FENGTAI = "fengtai", _("Fengtai District")
    SHIJINGSHAN = "shijingshan", _("Shijingshan District")
    HAIDIAN = "haidian", _("Haidian District")
    MENTOUGOU = "mentougou", _("Mentougou District")
    FANGSHAN = "fangshan", _("Fangshan District")
    TONGZHOU = "tongzhou", _("Tongzhou District")
    SHUNYI = "shunyi", _("Shunyi District")
    CHANGPING = "changping", _("Changping District")
    DAXING = "daxing", _("Daxing District")
    HUAIROU = "huairou", _("Huairou District")
    PINGGU = "pinggu", _("Pinggu District")
    MIYUN = "miyun", _("Miyun District")
    YANQING = "yanqing", _("Yanqing District")


class OrganizationStatus(models.TextChoices):
    """Where a self-registered organization stands; one the bureau created is approved."""

    PENDING = "pending", _("Awaiting the bureau's approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class MembershipVia(models.TextChoices):
    """How a person came to belong to an organization."""

    REGISTRATION = "registration", _("Registered the organization")
    INVITATION = "invitation", _("Invited by its reviewers")
    REQUEST = "request", _("Request confirmed by its reviewers")
    APPLICATION = "application", _("Named it as employer")


class InvitationRole(models.TextChoices):
    """What an invitation to an organization makes of the person who accepts it."""

    REVIEWER = "reviewer", _("Employer reviewer")
    MEMBER = "member", _("Member (colleague)")


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the reviewers")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
