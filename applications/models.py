from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from applications.enums import (
    AGENCY_QUEUE_STATES,
    WITHDRAWABLE_STATES,
    ApplicationState,
    Category,
    HeadKind,
    MaterialSlot,
    ObjectionStatus,
    RecommenderKind,
    RecommenderStatus,
    SeniorTitleLevel,
    TitleLevel,
)
from titles.enums import BeijingDistrict, choice_label
from titles.models.people import localised

S = ApplicationState


class Application(models.Model):
    """One person's application for a senior title. Only transitions change ``state``.

    The ``@transition`` methods are pure (guards only); the services in ``applications.services``
    run them inside a locked, audited transaction.
    """

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    agency_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agency officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    is_freelancer = models.BooleanField(_("freelancer"), default=False)
    employer = models.ForeignKey(
        "titles.Organization",
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employee_applications",
    )
    recommending_body = models.ForeignKey(
        "titles.Organization",
        verbose_name=_("recommending body"),
        help_text=_(
            "For freelancers: an industry association, a learned society or the HR bureau "
            "of the district of residence."
        ),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="freelancer_applications",
    )
    district = models.CharField(
        _("district of residence"),
        max_length=20,
        choices=BeijingDistrict.choices,
        blank=True,
        help_text=_("For freelancers: one of Beijing's sixteen districts."),
    )
    round = models.ForeignKey(
        "titles.Round",
        verbose_name=_("round"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    title_series = models.ForeignKey(
        "titles.TitleSeries",
        verbose_name=_("title series"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    discipline = models.ForeignKey(
        "titles.Discipline",
        verbose_name=_("discipline"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    level = models.CharField(
        _("level sought"), max_length=20, choices=TitleLevel.choices, blank=True
    )
    academic_proficiency = models.TextField(_("academic and technical proficiency"), blank=True)
    professional_competence = models.TextField(_("professional competence"), blank=True)
    work_achievements = models.TextField(_("work achievements"), blank=True)
    performance_contributions = models.TextField(_("performance contributions"), blank=True)
    authenticity_declared_at = models.DateTimeField(
        _("authenticity declared at"), null=True, blank=True
    )
    state = FSMField(
        _("state"),
        default=S.DRAFT,
        choices=S.choices,
        protected=True,
        db_index=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    employer_opinion = models.TextField(_("employer's recommendation opinion"), blank=True)
    recommended_at = models.DateTimeField(_("recommended at"), null=True, blank=True)
    eligibility_due_at = models.DateTimeField(
        _("eligibility review due at"), null=True, blank=True, db_index=True
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    ineligible_reason = models.TextField(_("reasons found ineligible"), blank=True)
    eligibility_note = models.TextField(_("agency's notes"), blank=True)
    eligibility_reminded_at = models.DateTimeField(
        _("overdue reminder sent at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        permissions = [
            ("assess_application", _("Can assess the application as an assigned panel expert")),
        ]
        indexes = [
            models.Index(fields=["state", "employer"]),
            models.Index(fields=["state", "recommending_body"]),
            models.Index(fields=["applicant", "-created_at"]),
            # The panel's and the bureau's queues: one state, oldest change first.
            models.Index(
                fields=["state", "updated_at", "id"], name="application_state_updated_idx"
            ),
            # The agency's queue: its two states, earliest due first.
            models.Index(
                fields=["eligibility_due_at", "id"],
                condition=models.Q(state__in=AGENCY_QUEUE_STATES),
                name="application_agency_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.applicant}"

    @property
    def reference(self) -> str:
        return f"GJ{self.pk:07d}" if self.pk else "GJ-"

    # The labels every list shows on every row (titles.enums.choice_label).
    @property
    def state_label(self):
        return choice_label(S, self.state)

    @property
    def category_label(self):
        return choice_label(Category, self.category)

    @property
    def level_label(self):
        return choice_label(TitleLevel, self.level)

    @property
    def reviewing_organization_id(self) -> int | None:
        """The employer, or for a freelancer the chosen recommending body."""
        return self.recommending_body_id if self.is_freelancer else self.employer_id

    # Transitions: pure guards. Stage issues add theirs below.

    @transition(field=state, source=S.DRAFT, target=S.EMPLOYER_REVIEW)
    def submit(self):
        pass

    @transition(field=state, source=S.EMPLOYER_REVIEW, target=S.RETURNED)
    def return_to_applicant(self):
        pass

    @transition(field=state, source=S.RETURNED, target=S.EMPLOYER_REVIEW)
    def resubmit(self):
        pass

    @transition(field=state, source=WITHDRAWABLE_STATES, target=S.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=state, source=S.EMPLOYER_REVIEW, target=S.DECLINED)
    def decline(self):
        pass

    @transition(field=state, source=S.EMPLOYER_REVIEW, target=S.INTERNAL_NOTICE)
    def open_internal_notice(self):
        pass

    @transition(field=state, source=S.INTERNAL_NOTICE, target=S.NOTICE_PASSED)
    def pass_internal_notice(self):
        pass

    @transition(field=state, source=S.INTERNAL_NOTICE, target=S.DECLINED)
    def uphold_internal_objection(self):
        pass

    @transition(field=state, source=S.NOTICE_PASSED, target=S.ELIGIBILITY_REVIEW)
    def recommend(self):
        pass

    @transition(field=state, source=S.ELIGIBILITY_REVIEW, target=S.SUPPLEMENT_REQUESTED)
    def request_supplement(self):
        pass

    @transition(field=state, source=S.SUPPLEMENT_REQUESTED, target=S.ELIGIBILITY_REVIEW)
    def submit_supplement(self):
        pass

    @transition(field=state, source=S.SUPPLEMENT_REQUESTED, target=S.WITHDRAWN)
    def deem_withdrawn(self):
        pass

    @transition(field=state, source=S.ELIGIBILITY_REVIEW, target=S.INELIGIBLE)
    def reject_ineligible(self):
        pass

    @transition(field=state, source=S.ELIGIBILITY_REVIEW, target=S.PANEL_REVIEW)
    def accept_eligible(self):
        pass

    # Stage 3a: the panel (review app). Completion is checked by the service, not here.
    @transition(field=state, source=S.PANEL_REVIEW, target=S.COMMITTEE_REVIEW)
    def complete_panel_review(self):
        pass

    # Stage 3b: the committee's ballot (committee app).
    @transition(field=state, source=S.COMMITTEE_REVIEW, target=S.BUREAU_REVIEW)
    def committee_approve(self):
        pass

    @transition(field=state, source=S.COMMITTEE_REVIEW, target=S.NOT_APPROVED)
    def committee_not_approve(self):
        pass

    # Stage 4: the bureau (bureau app).
    @transition(field=state, source=S.BUREAU_REVIEW, target=S.PUBLIC_NOTICE)
    def publish_notice(self):
        pass

    @transition(field=state, source=S.BUREAU_REVIEW, target=S.CERTIFYING)
    def issue_without_notice(self):
        pass

    @transition(field=state, source=S.BUREAU_REVIEW, target=S.NOT_APPROVED)
    def bureau_reject(self):
        pass

    @transition(field=state, source=S.PUBLIC_NOTICE, target=S.CERTIFYING)
    def pass_public_notice(self):
        pass

    @transition(field=state, source=S.PUBLIC_NOTICE, target=S.NOT_APPROVED)
    def uphold_public_objection(self):
        pass

    # Stage 5: certificates (certificates app).
    @transition(field=state, source=S.CERTIFYING, target=S.CERTIFIED)
    def certify(self):
        pass

    @transition(field=state, source=S.CERTIFIED, target=S.REVOKED)
    def revoke(self):
        pass


class Material(models.Model):
    """One piece of evidence in a slot; its file is in versions (never overwritten)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    slot = models.CharField(_("slot"), max_length=40, choices=MaterialSlot.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["slot", "id"]

    def __str__(self) -> str:
        return f"{self.get_slot_display()} {self.title}".strip()


def _material_upload_to(instance, filename: str) -> str:
    return f"materials/{instance.material.application_id}/{filename}"


class MaterialVersion(models.Model):
    """A file as uploaded. Stored under a random name; frozen once submitted."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=_material_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("file type"), max_length=10)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    # Who uploaded it (rule 9): a person with an account, or a recommender through their
    # invitation link (they have no account).
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    uploaded_by_recommender = models.ForeignKey(
        "Recommender",
        verbose_name=_("uploaded by the recommender"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("material version")
        verbose_name_plural = _("material versions")
        ordering = ["material", "number"]
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="material_version_unique"),
            models.CheckConstraint(
                condition=models.Q(uploaded_by__isnull=False)
                | models.Q(uploaded_by_recommender__isnull=False),
                name="material_version_uploader_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} (v{self.number})"

    @property
    def frozen(self) -> bool:
        return self.submitted_at is not None


class Recommender(models.Model):
    """One of the "3+1": an in-field expert or the head, invited by email."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="recommenders"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RecommenderKind.choices)
    head_kind = models.CharField(
        _("head's office"), max_length=30, choices=HeadKind.choices, blank=True
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("email"))
    organization_name = models.CharField(_("organization"), max_length=200)
    stated_title = models.CharField(_("title or position"), max_length=100)
    language = models.CharField(
        _("language of the invitation"),
        max_length=10,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RecommenderStatus.choices,
        default=RecommenderStatus.INVITED,
    )
    token_nonce = models.CharField(max_length=32)
    invited_at = models.DateTimeField(_("invited at"))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    code_hash = models.CharField(max_length=128, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(_("identity confirmed at"), null=True, blank=True)
    senior_title = models.CharField(_("senior title"), max_length=100, blank=True)
    senior_title_level = models.CharField(
        _("title level"), max_length=20, choices=SeniorTitleLevel.choices, blank=True
    )
    title_certificate_number = models.CharField(
        _("title certificate number"), max_length=60, blank=True
    )
    field = models.CharField(_("field"), max_length=100, blank=True)
    opinion = models.TextField(_("recommendation opinion"), blank=True)
    letter = models.ForeignKey(
        MaterialVersion,
        verbose_name=_("signed letter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    class Meta:
        verbose_name = _("recommender")
        verbose_name_plural = _("recommenders")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "email"],
                condition=~models.Q(status="replaced"),
                name="recommender_email_unique_per_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def active(self) -> bool:
        return self.status != RecommenderStatus.REPLACED

    @property
    def has_responded(self) -> bool:
        return self.status == RecommenderStatus.RESPONDED

    @property
    def has_declined(self) -> bool:
        return self.status == RecommenderStatus.DECLINED

    @property
    def title_below_level(self) -> bool:
        """An expert whose own title is below the level the applicant seeks (a deputy senior
        recommending for full senior): allowed, but the applicant is told."""
        return (
            self.kind == RecommenderKind.EXPERT
            and self.senior_title_level == SeniorTitleLevel.DEPUTY_SENIOR
            and self.application.level == TitleLevel.FULL_SENIOR
        )

    @property
    def awaits_identity(self) -> bool:
        """Invited, and not yet confirmed their mailbox with the emailed code."""
        return self.status == RecommenderStatus.INVITED


class InternalNotice(models.Model):
    """The employer's internal notice of an application (rule 2: at least 5 full working days)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="internal_notice"
    )
    organization = models.ForeignKey(
        "titles.Organization", on_delete=models.PROTECT, related_name="internal_notices"
    )
    text = models.TextField(_("notice text"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    published_at = models.DateTimeField(_("published at"))
    ends_at = models.DateTimeField(_("ends at"), db_index=True)
    provisional = models.BooleanField(_("end date provisional"), default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    passed_at = models.DateTimeField(_("passed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("internal notice")
        verbose_name_plural = _("internal notices")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(working_days__gte=5), name="internal_notice_at_least_5_days"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.published_at:%Y-%m-%d}"


class Objection(models.Model):
    """An objection to an applicant on a notice, under a real name, with a statement and
    evidence if any; open until decided (upheld or dismissed, with a reason).

    One feature for both notices: the employer's internal notice (:class:`InternalObjection`)
    and the bureau's public notice (``bureau.models.PublicObjection``), decided by one service
    (``applications.services.objections.objection_decide``). A concrete objection names its
    ``evidence`` file field (where it is stored), ``created_at`` and ``application_id``.
    """

    statement = models.TextField(_("statement"))
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.status == ObjectionStatus.OPEN

    @property
    def audit_reference(self):
        """How the audit trail names the objection."""
        return self.pk


def _objection_upload_to(instance, filename: str) -> str:
    return f"objections/{instance.notice_id}/{filename}"


class InternalObjection(Objection):
    """An objection raised by a member of the organization during the internal notice."""

    notice = models.ForeignKey(InternalNotice, on_delete=models.CASCADE, related_name="objections")
    objector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    objector_real_name = models.CharField(_("real name"), max_length=100)
    evidence = models.FileField(
        _("evidence"), upload_to=_objection_upload_to, max_length=200, blank=True
    )
    created_at = models.DateTimeField(_("raised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.objector_real_name}: {self.statement[:30]}"

    @property
    def application_id(self) -> int:
        return self.notice.application_id


class ChecklistItem(models.Model):
    """An eligibility check the agency goes through (admin-maintained, per category or for all)."""

    category = models.CharField(
        _("category"),
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text=_("Empty: the item applies to every category."),
    )
    text = models.CharField(_("item"), max_length=300)
    text_en = models.CharField(_("item in English"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("eligibility checklist item")
        verbose_name_plural = _("eligibility checklist items")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The item in the reader's language (the Chinese text when no English one is set)."""
        return localised(self.text, self.text_en)


class SupplementRequest(models.Model):
    """The one request to supplement or correct materials (rule 3): one per application, ever."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="supplement_request"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    working_days = models.PositiveSmallIntegerField(_("working days"))
    due_at = models.DateTimeField(_("answer due at"), db_index=True)
    provisional = models.BooleanField(_("due date provisional"), default=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("deemed withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplement request")
        verbose_name_plural = _("supplement requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(working_days__gte=1), name="supplement_at_least_1_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.requested_at:%Y-%m-%d}"


class SupplementItem(models.Model):
    """One missing or non-compliant item of the request, and the applicant's note on it."""

    request = models.ForeignKey(SupplementRequest, on_delete=models.CASCADE, related_name="items")
    checklist_item = models.ForeignKey(
        ChecklistItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("what is missing or must be corrected"))
    answer_note = models.TextField(_("the applicant's note"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("supplement item")
        verbose_name_plural = _("supplement items")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class DeclaredConflict(models.Model):
    """A conflict of interest a person declared with an application, at any stage (rule 5).

    It follows the person, not the stage: whoever declared one is a party to the application
    (``applications.parties``) and is refused, or recused, at every later stage.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declared_conflicts"
    )
    stage = models.CharField(_("stage"), max_length=20)
    reason = models.TextField(_("declared conflict"))
    declared_at = models.DateTimeField(_("declared at"))

    class Meta:
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        ordering = ["declared_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "person"], name="declared_conflict_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} {self.person}"


# The form's own fields (rule 9): kept as submitted, one version per submission.
FORM_FIELDS = (
    "category",
    "is_freelancer",
    "employer",
    "recommending_body",
    "district",
    "department",
    "title_series",
    "discipline",
    "level",
    "academic_proficiency",
    "professional_competence",
    "work_achievements",
    "performance_contributions",
)


class FormVersion(models.Model):
    """The application's form as it was submitted (rule 9): a submission or a resubmission adds
    a version, never overwrites one. ``data`` holds each field of ``FORM_FIELDS``: the value, and
    for a related row its id and its name as it read then. Each version can be printed again
    as the form of that submission (issue #23)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="form_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    data = models.JSONField(_("form as submitted"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    # What the printable form of this submission lists (issue #23): the material versions and
    # the recommenders there were when it was submitted (their ids).
    material_versions = models.JSONField(_("material versions as submitted"), default=list)
    recommenders = models.JSONField(_("recommenders as submitted"), default=list)

    class Meta:
        verbose_name = _("submitted form version")
        verbose_name_plural = _("submitted form versions")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"], name="form_version_once_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application.reference} v{self.number}"
