"""Hostile input: generated input never makes a server error and invalid input stores nothing;
XSS, CSRF, open redirects, SQL metacharacters, overlong and non-UTF-8 input, path traversal."""

import itertools
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.enums import MaterialSlot
from applications.models import Application, MaterialVersion
from bureau.models import PublicObjection
from review.models import Opinion
from tests.applications.factories import ApplicationFactory, pdf_bytes
from tests.bureau.factories import approved, bureau_staff, on_notice
from tests.certificates.factories import issued
from tests.factories import PASSWORD, UserFactory, sign_in_verified
from tests.reliability.test_authorization import covered_by_rule, url_for, url_names
from tests.reliability.world import world_build
from tests.review.factories import assigned, complete_values, in_panel_review

pytestmark = pytest.mark.django_db
EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
SQL = "'; DROP TABLE applications_application; --\" OR 1=1 /*"
hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from([XSS, SQL, "\x00", "a" * 6000, "\u202e\ufeff", "%00../../", " "]),
)
addresses = (f"203.0.113.{n % 250}" for n in itertools.count(1))
ACHIEVEMENTS = (
    "academic_proficiency",
    "professional_competence",
    "work_achievements",
    "performance_contributions",
)


def signed_in(user, *, verified=False) -> Client:
    client = Client()
    if verified:
        return sign_in_verified(client, user)
    client.force_login(user)
    return client


# --- property tests: never a 500, invalid input stores nothing -------------------------------


def test_applicant_achievements_step_never_fails_and_refusals_store_nothing():
    application = ApplicationFactory()
    client = signed_in(application.applicant)
    url = reverse("applications:step", args=[application.pk, "achievements"])

    @EXAMPLES
    @given(st.fixed_dictionaries({field: hostile_text for field in ACHIEVEMENTS}))
    def check(values):
        before = Application.objects.values(*ACHIEVEMENTS).get(pk=application.pk)
        response = client.post(url, {**values, "save": "1"})
        assert response.status_code in (200, 302, 400)  # 400: control characters (#27)
        after = Application.objects.values(*ACHIEVEMENTS).get(pk=application.pk)
        if response.status_code != 302:
            assert after == before
        else:
            assert all("\x00" not in value and len(value) <= 5000 for value in after.values())

    check()


def test_opinion_form_never_fails_and_refusals_store_nothing():
    assignment = assigned(in_panel_review())
    client = signed_in(assignment.expert, verified=True)
    url = reverse("review:opinion", args=[assignment.pk])

    @EXAMPLES
    @given(
        summary=hostile_text,
        score=st.one_of(st.integers(-(10**12), 10**12), hostile_text),
        justification=hostile_text,
    )
    def check(summary, score, justification):
        data = complete_values(
            summary=summary, score_academic=score, justification_competence=justification
        )
        before = list(Opinion.objects.values())
        response = client.post(url, {**data, "save": "1"})
        assert response.status_code in (200, 302, 400)  # 400: control characters (#27)
        if response.status_code != 302:
            assert list(Opinion.objects.values()) == before

    check()


def test_objection_form_never_fails_and_refusals_store_nothing():
    entry = on_notice([approved()], bureau_staff()).entries.get()
    url = reverse("bureau:objection_create", args=[entry.pk])

    @EXAMPLES
    @given(real_name=hostile_text, contact=hostile_text, statement=hostile_text)
    def check(real_name, contact, statement):
        before = PublicObjection.objects.count()
        client = Client(REMOTE_ADDR=next(addresses))
        response = client.post(
            url, {"real_name": real_name, "contact": contact, "statement": statement}
        )
        assert response.status_code in (200, 302, 400)  # 400: control characters (#27)
        assert PublicObjection.objects.count() == before + (response.status_code == 302)

    check()


def test_verify_form_never_fails():
    certificate = issued()
    url = reverse("certificates:verify")

    @EXAMPLES
    @given(number=st.one_of(hostile_text, st.just(certificate.number)), name=hostile_text)
    def check(number, name):
        response = Client(REMOTE_ADDR=next(addresses)).get(url, {"number": number, "name": name})
        assert response.status_code in (200, 400)  # 400: the form is invalid
        assert XSS not in response.content.decode()

    check()


def test_material_upload_never_fails_and_refusals_store_nothing():
    application = ApplicationFactory()
    client = signed_in(application.applicant)
    url = reverse("applications:material_upload", args=[application.pk])

    @EXAMPLES
    @given(
        name=st.one_of(
            st.text(min_size=1, max_size=120).filter(lambda n: n.strip("\x00") == n),
            st.sampled_from(["../../etc/passwd.pdf", "..\\..\\boot.ini.pdf", "a.pdf.exe"]),
        ),
        content=st.one_of(st.binary(max_size=2000), st.just(pdf_bytes())),
        slot=st.sampled_from([*MaterialSlot.values, "../x", ""]),
    )
    def check(name, content, slot):
        before = MaterialVersion.objects.count()
        upload = SimpleUploadedFile(name, content, "application/pdf")
        response = client.post(url, {"slot": slot, "file": upload, "title": name})
        assert response.status_code in (200, 302, 400)
        stored = MaterialVersion.objects.count() - before
        assert stored in (0, 1)
        if not content.startswith(b"%PDF"):
            assert stored == 0

    check()


# --- the classic attacks ---------------------------------------------------------------------


def test_text_shown_back_is_escaped():
    application = ApplicationFactory(**{field: XSS for field in ACHIEVEMENTS}, department=XSS)
    client = signed_in(application.applicant)
    for url in (
        reverse("applications:detail", args=[application.pk]),
        reverse("applications:step", args=[application.pk, "achievements"]),
        reverse("applications:step", args=[application.pk, "category"]),
    ):
        page = client.get(url).content.decode()
        assert XSS not in page, url
        assert ESCAPED in page, url


def test_objection_statement_with_markup_is_escaped_for_bureau_staff():
    staff = bureau_staff()
    entry = on_notice([approved()], staff).entries.get()
    Client(REMOTE_ADDR="198.51.100.1").post(
        reverse("bureau:objection_create", args=[entry.pk]),
        {"real_name": XSS[:60], "contact": "zhao@example.cn", "statement": XSS},
    )
    assert PublicObjection.objects.get().statement == XSS
    page = signed_in(staff, verified=True).get(reverse("bureau:queue")).content.decode()
    assert XSS not in page


def test_every_post_without_a_csrf_token_is_refused():
    world = world_build()
    anonymous = Client(enforce_csrf_checks=True)
    owner = Client(enforce_csrf_checks=True)
    owner.force_login(world.users["applicant"])
    staff = sign_in_verified(Client(enforce_csrf_checks=True), world.users["bureau_staff"])
    accepted = [
        (name, who)
        for name in url_names()
        if not covered_by_rule(name) or name in ("admin:index", "set_language")
        for who, client in (("anonymous", anonymous), ("owner", owner), ("staff", staff))
        if client.post(url_for(name, world.objects), {"x": "1"}).status_code != 403
    ]
    assert accepted == []


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https:evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
    ],
)
def test_sign_in_never_redirects_off_site(client, next_url):
    user = UserFactory()
    response = client.post(
        f"{reverse('login')}?next={next_url}",
        {"username": user.username, "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert "evil" not in location and "javascript" not in location


def test_sql_metacharacters_are_plain_text():
    staff = bureau_staff()
    entry = on_notice([approved()], staff).entries.get()
    reviewer_client = signed_in(staff, verified=True)
    for url in (reverse("bureau:queue"), reverse("applications:employer_queue")):
        assert reviewer_client.get(url, {"q": SQL, "state": SQL}).status_code == 200
    Client(REMOTE_ADDR="198.51.100.2").post(
        reverse("bureau:objection_create", args=[entry.pk]),
        {"real_name": "赵六", "contact": "zhao@example.cn", "statement": SQL},
    )
    assert PublicObjection.objects.get().statement == SQL
    assert Application.objects.count() == 1


def test_non_utf8_and_overlong_input_is_refused_cleanly():
    application = ApplicationFactory()
    client = signed_in(application.applicant)
    url = reverse("applications:step", args=[application.pk, "achievements"])
    before = Application.objects.values(*ACHIEVEMENTS).get(pk=application.pk)
    raw = b"academic_proficiency=\xff\xfe\xc3\x28&work_achievements=%ff%fe&save=1"
    response = client.generic("POST", url, raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 400)
    overlong = client.post(url, {field: "长" * 100_000 for field in ACHIEVEMENTS} | {"save": "1"})
    assert overlong.status_code == 200
    assert Application.objects.values(*ACHIEVEMENTS).get(pk=application.pk) == before
    assert (
        Client().get(reverse("certificates:verify") + "?number=%ff%fe&name=%c3%28").status_code
        == 200
    )


def test_upload_file_names_cannot_leave_the_media_directory(settings):
    application = ApplicationFactory()
    client = signed_in(application.applicant)
    url = reverse("applications:material_upload", args=[application.pk])
    for name in ("../../etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "/etc/shadow.pdf"):
        upload = SimpleUploadedFile(name, pdf_bytes(), "application/pdf")
        client.post(url, {"slot": MaterialSlot.OTHER, "file": upload, "title": "x"})
    media = Path(settings.MEDIA_ROOT).resolve()
    versions = list(MaterialVersion.objects.all())
    assert versions
    for version in versions:
        path = Path(version.file.path).resolve()
        assert path.is_relative_to(media), path
        assert ".." not in version.file.name and "/etc/" not in version.file.name
        assert "/" not in version.original_name and "\\" not in version.original_name
