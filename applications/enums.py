from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """The four categories of the FAQ's eligibility criteria 1-4."""

    HIGH_LEVEL = "high_level", _("High-level talent")
    INTERNATIONAL = "international", _("Internationalized talent")
    SPECIAL_SKILLS = "special_skills", _("Specially skilled talent")
    OTHER = "other", _("Other outstanding talent")


class ApplicationState(models.TextChoices):
    """Every state of DOMAIN.md's lifecycle; only transitions change it."""

    DRAFT = "draft", _("Draft")
    EMPLOYER_REVIEW = "employer_review", _("Employer review")
    RETURNED = "returned", _("Returned for changes")
    DECLINED = "declined", _("Declined by the employer")
    INTERNAL_NOTICE = "internal_notice", _("Internal notice")
    NOTICE_PASSED = "notice_passed", _("Internal notice passed")
    ELIGIBILITY_REVIEW = "eligibility_review", _("Eligibility review")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    INELIGIBLE = "ineligible", _("Ineligible")
    PANEL_REVIEW = "panel_review", _("Panel review")
    COMMITTEE_REVIEW = "committee_review", _("Committee review")
    BUREAU_REVIEW = "bureau_review", _("Bureau review")
    NOT_APPROVED = "not_approved", _("Not approved")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    CERTIFYING = "certifying", _("Certificate being issued")
    CERTIFIED = "certified", _("Certified")
    REVOKED = "revoked", _("Certificate revoked")


# The applicant may withdraw in any state before committee_review that is not already final.
WITHDRAWABLE_STATES = [
    ApplicationState.DRAFT,
    ApplicationState.EMPLOYER_REVIEW,
    ApplicationState.RETURNED,
    ApplicationState.INTERNAL_NOTICE,
    ApplicationState.NOTICE_PASSED,
    ApplicationState.ELIGIBILITY_REVIEW,
    ApplicationState.SUPPLEMENT_REQUESTED,
    ApplicationState.PANEL_REVIEW,
]
# States an application reaches only after its panel review: agenda items, ballots and the
# committee's decision exist only in these.
COMMITTEE_REACHED_STATES = [
    ApplicationState.COMMITTEE_REVIEW,
    ApplicationState.BUREAU_REVIEW,
    ApplicationState.NOT_APPROVED,
    ApplicationState.PUBLIC_NOTICE,
    ApplicationState.CERTIFYING,
    ApplicationState.CERTIFIED,
    ApplicationState.REVOKED,
]
# States in which the applicant may still change the application's content.
EDITABLE_STATES = [ApplicationState.DRAFT, ApplicationState.RETURNED]
# An application in progress: one of these per person at a time (the others are final).
OPEN_STATES = [
    ApplicationState.DRAFT,
    ApplicationState.RETURNED,
    ApplicationState.EMPLOYER_REVIEW,
    ApplicationState.INTERNAL_NOTICE,
    ApplicationState.NOTICE_PASSED,
    ApplicationState.ELIGIBILITY_REVIEW,
    ApplicationState.SUPPLEMENT_REQUESTED,
    ApplicationState.PANEL_REVIEW,
    ApplicationState.COMMITTEE_REVIEW,
    ApplicationState.BUREAU_REVIEW,
    ApplicationState.PUBLIC_NOTICE,
    ApplicationState.CERTIFYING,
]
# What awaits the employer reviewer (their queue).
EMPLOYER_QUEUE_STATES = [
    ApplicationState.EMPLOYER_REVIEW,
    ApplicationState.RETURNED,
    ApplicationState.INTERNAL_NOTICE,
    ApplicationState.NOTICE_PASSED,
]
# What awaits the evaluation agency (its queue, and what agency staff decide on).
AGENCY_QUEUE_STATES = [ApplicationState.ELIGIBILITY_REVIEW, ApplicationState.SUPPLEMENT_REQUESTED]


class TitleLevel(models.TextChoices):
    DEPUTY_SENIOR = "deputy_senior", _("Deputy senior (associate)")
    FULL_SENIOR = "full_senior", _("Full senior")


class MaterialSlot(models.TextChoices):
    IDENTITY_DOCUMENT = "identity_document", _("Identity document")
    DEGREE_CERTIFICATE = "degree_certificate", _("Degree certificate")
    CURRENT_TITLE_CERTIFICATE = "current_title_certificate", _("Current title certificate")
    EMPLOYMENT_PROOF = "employment_proof", _("Proof of employment or social insurance")
    OVERSEAS_QUALIFICATION = "overseas_qualification", _("Overseas vocational qualification")
    PROGRAMME_AWARD = "programme_award", _("High-level talent programme award")
    SKILL_EVIDENCE = "skill_evidence", _("Evidence of unique or rare skills")
    ACHIEVEMENT_EVIDENCE = "achievement_evidence", _("Evidence of achievements")
    OTHER = "other", _("Other supporting material")
    RECOMMENDATION_LETTER = "recommendation_letter", _("Signed recommendation letter")


# Slots that hold several files (each its own material with versions); the rest hold one.
MULTI_FILE_SLOTS = {
    MaterialSlot.ACHIEVEMENT_EVIDENCE,
    MaterialSlot.OTHER,
    MaterialSlot.RECOMMENDATION_LETTER,
}

_COMMON_REQUIRED = [
    MaterialSlot.IDENTITY_DOCUMENT,
    MaterialSlot.DEGREE_CERTIFICATE,
    MaterialSlot.EMPLOYMENT_PROOF,
    MaterialSlot.ACHIEVEMENT_EVIDENCE,
]
REQUIRED_SLOTS: dict[str, list[str]] = {
    Category.HIGH_LEVEL: [*_COMMON_REQUIRED, MaterialSlot.PROGRAMME_AWARD],
    Category.INTERNATIONAL: [*_COMMON_REQUIRED, MaterialSlot.OVERSEAS_QUALIFICATION],
    Category.SPECIAL_SKILLS: [*_COMMON_REQUIRED, MaterialSlot.SKILL_EVIDENCE],
    Category.OTHER: list(_COMMON_REQUIRED),
}
# Slots offered per category: the required ones plus the optional ones.
OPTIONAL_SLOTS = [MaterialSlot.CURRENT_TITLE_CERTIFICATE, MaterialSlot.OTHER]


class RecommenderKind(models.TextChoices):
    EXPERT = "expert", _("In-field expert")
    HEAD = "head", _("Head (the “+1”)")


class HeadKind(models.TextChoices):
    """Who gives the "+1" recommendation, by category (DOMAIN.md table)."""

    ORGANIZATION_CHIEF = "organization_chief", _("Chief officer of the applicant's organization")
    QUALIFICATION_AUTHORITY = (
        "qualification_authority",
        _("Head of the professional qualification authority"),
    )
    INDUSTRY_AUTHORITY = (
        "industry_authority",
        _("Head of the competent industry authority or association"),
    )
    HR_DEPARTMENT = "hr_department", _("Head of the municipal or district HR department")


HEAD_KIND_FOR_CATEGORY = {
    Category.HIGH_LEVEL: HeadKind.ORGANIZATION_CHIEF,
    Category.INTERNATIONAL: HeadKind.QUALIFICATION_AUTHORITY,
    Category.SPECIAL_SKILLS: HeadKind.INDUSTRY_AUTHORITY,
    Category.OTHER: HeadKind.HR_DEPARTMENT,
}
EXPERTS_REQUIRED = 3


class RecommenderStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    VERIFIED = "verified", _("Identity confirmed")
    RESPONDED = "responded", _("Recommendation received")
    DECLINED = "declined", _("Declined")
    REPLACED = "replaced", _("Replaced")


# A recommender who still counts (not replaced).
ACTIVE_RECOMMENDER_STATUSES = [
    RecommenderStatus.INVITED,
    RecommenderStatus.VERIFIED,
    RecommenderStatus.RESPONDED,
    RecommenderStatus.DECLINED,  # stays on the list until the applicant replaces them
]


class ObjectionStatus(models.TextChoices):
    """An objection to an applicant on a notice (the employer's internal one, the bureau's
    public one): open until decided."""

    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class SeniorTitleLevel(models.TextChoices):
    """The recommender's own title: it must be senior."""

    DEPUTY_SENIOR = "deputy_senior", _("Deputy senior")
    FULL_SENIOR = "full_senior", _("Full senior")
