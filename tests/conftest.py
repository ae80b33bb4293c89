import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings


def redis_answers() -> bool:
    """True when the configured Redis accepts a connection (CI makes sure it does)."""
    if not settings.REDIS_URL:
        return False
    url = urlparse(settings.REDIS_URL)
    try:
        with socket.create_connection((url.hostname, url.port or 6379), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not redis_answers(), reason="Redis does not answer at REDIS_URL")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _language_reset():
    """Each test starts in the site's default language: a request in another language (the test
    client runs in this thread) must not leak into the next test's rendering."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
