import pytest
import time_machine
from django.core import signing
from django.utils import timezone, translation

from applications import services
from applications.enums import (
    HEAD_KIND_FOR_CATEGORY,
    REQUIRED_SLOTS,
    ApplicationState,
    Category,
    HeadKind,
    MaterialSlot,
    RecommenderKind,
    RecommenderStatus,
)
from applications.errors import ChangedMeanwhile, NotAllowed, RuleViolation
from applications.models import Application, MaterialVersion
from applications.selectors import application_missing_items
from tests.applications.factories import (
    ApplicationFactory,
    add_recommender,
    complete_application,
)
from tests.factories import UserFactory
from titles.enums import Role
from titles.models import AuditEvent
from titles.people import role_grant

pytestmark = pytest.mark.django_db
S = ApplicationState


def reviewer_for(application):
    reviewer = UserFactory()
    role_grant(
        user=reviewer,
        role=Role.EMPLOYER_REVIEWER,
        organization=application.employer,
        actor=None,
    )
    return reviewer


@pytest.mark.parametrize("category", list(Category))
def test_complete_application_misses_nothing(category):
    application = complete_application(category=category)
    assert application_missing_items(application) == []


@pytest.mark.parametrize(
    ("category", "slot", "message"),
    [
        (Category.HIGH_LEVEL, MaterialSlot.PROGRAMME_AWARD, "请上传：高层次人才计划入选证明。"),
        (Category.INTERNATIONAL, MaterialSlot.OVERSEAS_QUALIFICATION, "请上传：境外职业资格证书。"),
        (Category.SPECIAL_SKILLS, MaterialSlot.SKILL_EVIDENCE, "请上传：绝技绝活等特殊技能证明。"),
        (Category.OTHER, MaterialSlot.ACHIEVEMENT_EVIDENCE, "请上传：业绩成果证明。"),
    ],
)
def test_missing_category_material_is_named(category, slot, message):
    application = complete_application(category=category)
    application.materials.filter(slot=slot).delete()
    assert [str(item) for item in application_missing_items(application)] == [message]


def test_category_specific_slots_are_required_only_for_that_category():
    assert MaterialSlot.PROGRAMME_AWARD in REQUIRED_SLOTS[Category.HIGH_LEVEL]
    assert MaterialSlot.PROGRAMME_AWARD not in REQUIRED_SLOTS[Category.INTERNATIONAL]
    assert MaterialSlot.OVERSEAS_QUALIFICATION in REQUIRED_SLOTS[Category.INTERNATIONAL]
    assert MaterialSlot.OVERSEAS_QUALIFICATION not in REQUIRED_SLOTS[Category.OTHER]


def test_missing_recommendations_are_listed_by_name():
    application = complete_application()
    expert = application.recommenders.filter(kind=RecommenderKind.EXPERT).first()
    expert.status = RecommenderStatus.INVITED
    expert.save()
    assert [str(item) for item in application_missing_items(application)] == [
        f"等待以下推荐人提交推荐意见：{expert.name}。"
    ]


def invite(application, **overrides):
    data = {
        "kind": RecommenderKind.EXPERT,
        "name": "李教授",
        "email": f"expert{application.recommenders.count()}@example.cn",
        "organization_name": "北京大学",
        "stated_title": "教授",
    }
    data.update(overrides)
    return services.recommender_invite(application=application, actor=application.applicant, **data)


def test_a_fourth_expert_is_refused():
    application = ApplicationFactory()
    for index in range(3):
        invite(application, email=f"e{index}@example.cn")
    with pytest.raises(RuleViolation, match="已邀请三名同行专家"):
        invite(application, email="e4@example.cn")


def test_the_applicant_cannot_recommend_themself():
    application = ApplicationFactory()
    with pytest.raises(RuleViolation, match="不能推荐本人"):
        invite(application, email=application.applicant.email.upper())


def test_the_same_expert_twice_is_refused():
    application = ApplicationFactory()
    invite(application, email="same@example.cn")
    with pytest.raises(RuleViolation, match="此人已是您的推荐人"):
        invite(application, email="Same@Example.cn")


@pytest.mark.parametrize("category", list(Category))
def test_the_head_must_fit_the_category(category):
    application = ApplicationFactory(category=category)
    wrong = next(kind for kind in HeadKind if kind != HEAD_KIND_FOR_CATEGORY[category])
    with pytest.raises(RuleViolation):
        invite(application, kind=RecommenderKind.HEAD, head_kind=wrong)
    head = invite(
        application, kind=RecommenderKind.HEAD, head_kind=HEAD_KIND_FOR_CATEGORY[category]
    )
    assert head.head_kind == HEAD_KIND_FOR_CATEGORY[category]
    with pytest.raises(RuleViolation, match="已邀请负责人推荐人"):
        invite(
            application,
            kind=RecommenderKind.HEAD,
            head_kind=HEAD_KIND_FOR_CATEGORY[category],
            email="second-head@example.cn",
        )


def test_someone_else_cannot_invite_for_an_application():
    application = ApplicationFactory()
    with pytest.raises(NotAllowed):
        services.recommender_invite(
            application=application,
            actor=UserFactory(roles=[Role.APPLICANT]),
            kind=RecommenderKind.EXPERT,
            name="x",
            email="x@example.cn",
            organization_name="x",
            stated_title="x",
        )


def test_invitation_queues_an_email_with_the_link(mailoutbox, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    # The clock stands still: a token signed a second later than the email's would differ.
    with (
        time_machine.travel(timezone.now(), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        recommender = invite(application, email="li@example.cn")
        token = services.recommender_token(recommender)
    assert services.recommender_from_token(token) == recommender
    from titles.models import OutboxEmail

    email = OutboxEmail.objects.get(to_address="li@example.cn")
    assert f"/recommend/{token}/" in email.body


def test_token_expired_altered_replaced_or_for_another_application_is_refused():
    application = ApplicationFactory()
    recommender = invite(application)
    token = services.recommender_token(recommender)
    with (
        time_machine.travel(timezone.now() + timezone.timedelta(days=31)),
        pytest.raises(RuleViolation, match="该链接已过期"),
    ):
        services.recommender_from_token(token)
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    with pytest.raises(RuleViolation, match="该链接无效"):
        services.recommender_from_token(altered)
    other = ApplicationFactory()
    forged_for_other = signing.dumps(
        {"r": recommender.pk, "a": other.pk, "n": recommender.token_nonce},
        salt=services.RECOMMENDER_TOKEN_SALT,
        compress=True,
    )
    with pytest.raises(RuleViolation, match="该链接已失效"):
        services.recommender_from_token(forged_for_other)
    other_purpose = signing.dumps(
        {"r": recommender.pk, "a": application.pk, "n": recommender.token_nonce}, salt="password"
    )
    with pytest.raises(RuleViolation, match="该链接无效"):
        services.recommender_from_token(other_purpose)
    with time_machine.travel(timezone.now() + timezone.timedelta(days=2)):
        services.recommender_replace(
            recommender=recommender,
            actor=application.applicant,
            name="王研究员",
            email="wang@example.cn",
            organization_name="中国科学院",
            stated_title="研究员",
        )
    with pytest.raises(RuleViolation, match="该链接已失效"):
        services.recommender_from_token(token)


def test_recommender_confirms_by_code_then_responds(mailoutbox, django_capture_on_commit_callbacks):
    application = ApplicationFactory()
    recommender = invite(application)
    with django_capture_on_commit_callbacks(execute=True):
        services.recommender_send_code(recommender=recommender)
    from titles.models import OutboxEmail

    body = OutboxEmail.objects.filter(to_address=recommender.email).latest("id").body
    code = next(
        word for word in body.replace("：", " ").split() if word.isdigit() and len(word) == 6
    )
    with pytest.raises(RuleViolation, match="验证码不正确"):
        services.recommender_verify_code(
            recommender=recommender, code="000000" if code != "000000" else "111111"
        )
    with pytest.raises(RuleViolation, match="不能为本人的申报提出推荐意见"):
        services.recommender_verify_code(
            recommender=recommender, code=code, user=application.applicant
        )
    confirmation = services.recommender_verify_code(recommender=recommender, code=code)
    responded = services.recommender_respond(
        recommender=recommender,
        confirmation=confirmation,
        senior_title="教授",
        senior_title_level="full_senior",
        title_certificate_number="ZG-001",
        field="人工智能",
        opinion="该同志成绩突出，同意推荐。",
    )
    assert (responded.status, responded.senior_title, responded.opinion) == (
        RecommenderStatus.RESPONDED,
        "教授",
        "该同志成绩突出，同意推荐。",
    )
    with pytest.raises(RuleViolation):
        services.recommender_respond(
            recommender=recommender,
            confirmation=confirmation,
            senior_title="x",
            senior_title_level="full_senior",
            title_certificate_number="x",
            field="x",
            opinion="again",
        )


def _emailed_code(recommender, capture) -> str:
    from titles.models import OutboxEmail

    with capture(execute=True):
        services.recommender_send_code(recommender=recommender)
    body = OutboxEmail.objects.filter(to_address=recommender.email).latest("id").body
    return next(
        word for word in body.replace("：", " ").split() if word.isdigit() and len(word) == 6
    )


RESPONSE = {
    "senior_title": "教授",
    "senior_title_level": "full_senior",
    "title_certificate_number": "ZG-001",
    "field": "人工智能",
    "opinion": "同意推荐。",
}
NOT_CONFIRMED = "请先在本浏览器中使用新的邮件验证码确认身份"


def test_a_confirmation_holds_only_for_the_browser_that_entered_the_code(
    django_capture_on_commit_callbacks,
):
    """Issue #27: the link and a stale or absent confirmation are not enough; a confirmation
    in a second browser makes the first browser's worthless."""
    recommender = invite(ApplicationFactory())
    first = services.recommender_verify_code(
        recommender=recommender, code=_emailed_code(recommender, django_capture_on_commit_callbacks)
    )
    recommender.refresh_from_db()
    assert services.recommender_confirmed(recommender=recommender, confirmation=first)
    for forged in (None, "", "0" * 64, first[:-1] + ("0" if first[-1] != "0" else "1")):
        assert not services.recommender_confirmed(recommender=recommender, confirmation=forged)
        with pytest.raises(RuleViolation, match=NOT_CONFIRMED):
            services.recommender_respond(recommender=recommender, confirmation=forged, **RESPONSE)
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=1), tick=False):
        second = services.recommender_verify_code(
            recommender=recommender,
            code=_emailed_code(recommender, django_capture_on_commit_callbacks),
        )
    assert second != first
    recommender.refresh_from_db()
    assert not services.recommender_confirmed(recommender=recommender, confirmation=first)
    with pytest.raises(RuleViolation, match=NOT_CONFIRMED):
        services.recommender_respond(recommender=recommender, confirmation=first, **RESPONSE)
    responded = services.recommender_respond(
        recommender=recommender, confirmation=second, **RESPONSE
    )
    assert responded.status == RecommenderStatus.RESPONDED
    assert list(
        AuditEvent.objects.filter(action__startswith="recommender.").values_list(
            "action", flat=True
        )
    ) == ["recommender.invite", "recommender.verify", "recommender.verify", "recommender.respond"]


def test_a_confirmation_expires_after_two_hours(django_capture_on_commit_callbacks):
    recommender = invite(ApplicationFactory())
    confirmation = services.recommender_verify_code(
        recommender=recommender, code=_emailed_code(recommender, django_capture_on_commit_callbacks)
    )
    recommender.refresh_from_db()
    verified_at = recommender.verified_at
    with time_machine.travel(verified_at + timezone.timedelta(hours=2, seconds=-1), tick=False):
        assert services.recommender_confirmed(recommender=recommender, confirmation=confirmation)
    with time_machine.travel(verified_at + timezone.timedelta(hours=2), tick=False):
        assert not services.recommender_confirmed(
            recommender=recommender, confirmation=confirmation
        )
        with pytest.raises(RuleViolation, match=NOT_CONFIRMED):
            services.recommender_respond(
                recommender=recommender, confirmation=confirmation, **RESPONSE
            )
        # A new code confirms this browser again.
        again = services.recommender_verify_code(
            recommender=recommender,
            code=_emailed_code(recommender, django_capture_on_commit_callbacks),
        )
        services.recommender_respond(recommender=recommender, confirmation=again, **RESPONSE)


def test_submit_freezes_materials_notifies_reviewers_and_audits():
    application = complete_application()
    reviewer = reviewer_for(application)
    submitted = services.application_submit(
        application=application, actor=application.applicant, declaration=True
    )
    assert submitted.state == S.EMPLOYER_REVIEW
    assert submitted.authenticity_declared_at is not None
    assert not MaterialVersion.objects.filter(
        material__application=application, submitted_at__isnull=True
    ).exists()
    assert reviewer.notifications.filter(kind="application_submitted").count() == 1
    event = AuditEvent.objects.filter(action="application.submit").get()
    assert (event.from_state, event.to_state, event.actor) == (
        "draft",
        "employer_review",
        application.applicant,
    )


def test_submit_needs_the_declaration_and_completeness():
    application = complete_application()
    with pytest.raises(RuleViolation, match="真实性承诺"):
        services.application_submit(
            application=application, actor=application.applicant, declaration=False
        )
    application.recommenders.filter(kind=RecommenderKind.HEAD).delete()
    with pytest.raises(RuleViolation, match="申报尚不完整"):
        services.application_submit(
            application=application, actor=application.applicant, declaration=True
        )
    assert Application.objects.get(pk=application.pk).state == S.DRAFT


def test_stale_version_is_changed_meanwhile():
    application = complete_application()
    with pytest.raises(ChangedMeanwhile):
        services.application_submit(
            application=application,
            actor=application.applicant,
            declaration=True,
            expected_version=application.version - 1,
        )


def test_return_and_resubmit_keep_the_reasons_on_the_timeline():
    application = complete_application()
    reviewer = reviewer_for(application)
    services.application_submit(
        application=application, actor=application.applicant, declaration=True
    )
    with pytest.raises(NotAllowed):
        services.application_return(application=application, actor=UserFactory(), reason="x")
    returned = services.application_return(
        application=application, actor=reviewer, reason="请补充业绩证明"
    )
    assert returned.state == S.RETURNED
    assert application.applicant.notifications.filter(kind="application_returned").count() == 1
    resubmitted = services.application_resubmit(
        application=returned, actor=application.applicant, declaration=True
    )
    assert resubmitted.state == S.EMPLOYER_REVIEW
    assert list(
        AuditEvent.objects.filter(
            object_type="applications.application", object_id=str(application.pk)
        )
        .exclude(action__startswith="recommender")
        .values_list("action", "reason")
    ) == [
        ("application.submit", ""),
        ("application.return_to_applicant", "请补充业绩证明"),
        ("application.resubmit", ""),
    ]


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        (S.DRAFT, True),
        (S.EMPLOYER_REVIEW, True),
        (S.RETURNED, True),
        (S.INTERNAL_NOTICE, True),
        (S.NOTICE_PASSED, True),
        (S.ELIGIBILITY_REVIEW, True),
        (S.SUPPLEMENT_REQUESTED, True),
        (S.PANEL_REVIEW, True),
        (S.COMMITTEE_REVIEW, False),
        (S.BUREAU_REVIEW, False),
        (S.PUBLIC_NOTICE, False),
        (S.CERTIFIED, False),
        (S.DECLINED, False),
        (S.WITHDRAWN, False),
    ],
)
def test_withdraw_only_before_committee_review(state, allowed):
    application = ApplicationFactory(state=state)
    if allowed:
        assert (
            services.application_withdraw(
                application=application, actor=application.applicant
            ).state
            == S.WITHDRAWN
        )
    else:
        with pytest.raises((NotAllowed, ChangedMeanwhile)):
            services.application_withdraw(application=application, actor=application.applicant)
        assert Application.objects.get(pk=application.pk).state == state


def test_only_one_open_application_per_person():
    application = ApplicationFactory()
    with pytest.raises(RuleViolation, match="已有一项正在进行的申报"):
        services.application_create(applicant=application.applicant)


def test_recommender_who_responded_cannot_be_replaced():
    application = ApplicationFactory()
    recommender = add_recommender(application, RecommenderKind.EXPERT, responded=True)
    with pytest.raises(RuleViolation, match="已提交推荐意见的推荐人不能更换"):
        services.recommender_replace(
            recommender=recommender,
            actor=application.applicant,
            name="x",
            email="x@example.cn",
            organization_name="x",
            stated_title="x",
        )


def test_a_recommenders_letter_is_recorded_as_uploaded_by_the_recommender(
    django_capture_on_commit_callbacks,
):
    """Issue #20 (rule 9): the letter came through the recommender's link, not the applicant."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.applications.factories import pdf_bytes

    application = ApplicationFactory()
    recommender = invite(application)
    confirmation = services.recommender_verify_code(
        recommender=recommender,
        code=_emailed_code(recommender, django_capture_on_commit_callbacks),
    )
    responded = services.recommender_respond(
        recommender=recommender,
        confirmation=confirmation,
        **{**RESPONSE, "opinion": ""},
        letter_file=SimpleUploadedFile("推荐信.pdf", pdf_bytes(), "application/pdf"),
    )
    letter = MaterialVersion.objects.get(pk=responded.letter_id)
    assert (letter.uploaded_by_id, letter.uploaded_by_recommender_id) == (None, recommender.pk)
    event = AuditEvent.objects.get(action="recommender.respond")
    assert event.data == {"recommender": recommender.pk, "letter_version": letter.pk}


def test_the_service_refuses_a_district_hr_bureau_of_another_district():
    from applications.selectors import application_missing_items
    from tests.factories import OrganizationFactory

    haidian = OrganizationFactory(district_hr_bureau=True)
    application = ApplicationFactory()
    with (
        pytest.raises(RuleViolation, match="recommends freelancers residing in Haidian District"),
        translation.override("en"),
    ):
        services.application_update(
            application=application,
            actor=application.applicant,
            is_freelancer=True,
            recommending_body=haidian,
            district="chaoyang",
        )
    with (
        pytest.raises(RuleViolation, match="Choose your district of residence from the list"),
        translation.override("en"),
    ):
        services.application_update(
            application=application, actor=application.applicant, district="海淀区"
        )
    # A row that predates the rule is held at submission.
    Application.objects.filter(pk=application.pk).update(
        is_freelancer=True, employer=None, recommending_body=haidian, district="chaoyang"
    )
    with translation.override("en"):
        missing = [
            str(item)
            for item in application_missing_items(Application.objects.get(pk=application.pk))
        ]
    assert any("recommends freelancers residing in Haidian District only" in m for m in missing)
