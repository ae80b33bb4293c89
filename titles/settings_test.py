"""Settings for the test suite: the production settings, served over plain HTTP.

The tests talk to the live server and the test client over http://, so the HTTPS-only defaults
are switched off here and nowhere else. Everything else is what production runs.
"""

import os

os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from titles.settings import *  # noqa: F403
from titles.settings import DATA_DIR, DEFAULT_FILE_STORAGE, STATIC_ROOT

# The tests keep the development keys (titles.checks refuses them only in production).
DEVELOPMENT_KEYS_ALLOWED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = DATA_DIR / "test-media"
STORAGES = {
    "default": DEFAULT_FILE_STORAGE,  # the local disk unless FILE_STORAGE says otherwise
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
