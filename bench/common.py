"""What the page and load benchmarks request, as whom (shared by ``pages.py`` and ``load.py``)."""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(database_url: str | None = None) -> None:
    """Point Django at the benchmark database with ``bench.settings``."""
    sys.path.insert(0, str(ROOT))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()

    from django.core.management import call_command

    # Every time (it copies only what changed): a manifest from an older checkout lacks the
    # files added since, and every page naming one would fail.
    call_command("collectstatic", interactive=False, verbosity=0)


@dataclass
class Page:
    name: str
    url: str
    username: str | None  # None: anonymous
    verified: bool = False  # a two-factor-verified session (staff roles)
    is_list: bool = True


def pages() -> list[Page]:
    """Every list and queue page, the main detail page, and the bare baseline."""
    from applications.models import Application
    from certificates.models import Certificate
    from committee.models import Meeting

    application = (
        Application.objects.filter(
            state="eligibility_review", applicant__username__startswith="bench"
        )
        .select_related("applicant")
        .order_by("pk")
        .first()
    )
    # The generated meetings (not the ones bench/ballot.py adds, whose chairman is another).
    meeting = (
        Meeting.objects.filter(committee__chairman__username="chairman").order_by("-pk").first()
    )
    # The demo certificate (the clones reuse its signature, so they verify as altered).
    number = Certificate.objects.order_by("pk").values_list("number", flat=True).first()
    username = application.applicant.username
    certified = (
        Application.objects.filter(state="certified", certificate__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    return [
        Page("bare view (baseline)", "/bench/bare/", None),
        Page("applicant dashboard", "/dashboard/", username),
        Page("application detail", f"/applications/{application.pk}/", username, is_list=False),
        Page("detail as agency", f"/applications/{application.pk}/", "agency", True, is_list=False),
        Page("detail as bureau", f"/applications/{certified}/", "bureau", True, is_list=False),
        Page("employer queue", "/employer/", "employer"),
        Page("agency queue", "/agency/", "agency", verified=True),
        Page("expert queue", "/review/", "expert", verified=True),
        Page("panel queue", "/panel/", "agency", verified=True),
        Page("meeting agenda", f"/committee/meetings/{meeting.pk}/", "chairman", verified=True),
        Page("bureau queue", "/bureau/", "bureau", verified=True),
        Page("public notices", "/notices/", None),
        Page("verification", f"/verify/{number}/", None),
    ]


def signed_in_client(page: Page):
    """A Django test Client signed in as the page's user (verified if needed)."""
    from django.test import Client

    from titles.models import User

    client = Client()
    if page.username:
        user = User.objects.get(username=page.username)
        if page.verified:
            from tests.factories import sign_in_verified

            sign_in_verified(client, user)
        else:
            client.force_login(user)
    return client


def session_cookie(page: Page) -> str | None:
    """A session key stored in the sessions backend, for an HTTP load client's cookie."""
    if not page.username:
        return None
    return signed_in_client(page).cookies["sessionid"].value
