"""Settings for the benchmarks: the real settings, plus ``/bench/bare/`` (a bare Django view
rendering a small template, the baseline every page is compared with), served over plain HTTP on
loopback. Never used outside ``bench/``."""

from titles.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
DEVELOPMENT_KEYS_ALLOWED = True  # benchmarks sign with the development keys
ALLOWED_HOSTS = ["*"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# Collected static files (the manifest storage needs them) kept apart from the project's.
STATIC_ROOT = Path("/tmp/titles-bench-static")  # noqa: F405
# The per-address limit on public verifications would answer 429 to a load from one address;
# the counting query it makes still runs.
CERTIFICATES_VERIFICATIONS_PER_MINUTE = 10**9
