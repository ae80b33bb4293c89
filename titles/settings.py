"""Settings, read from the environment (12-factor).

Safe production defaults: DEBUG is off unless ``DEBUG=1``; cookies are secure; HSTS is on.
The run command (``./dev run``) sets the variables a developer needs.
"""

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from titles.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / ".data"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """The key from SECRET_KEY, else one kept in DATA_DIR (created once, readable only by us)."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("DEBUG")
SECRET_KEY = _secret_key()
# With DEBUG off, a key from the data folder is refused (titles.checks): every machine must share
# one SECRET_KEY. The test settings allow the development keys; `./dev run` turns DEBUG on.
SECRET_KEY_FROM_ENVIRONMENT = bool(os.environ.get("SECRET_KEY"))
DEVELOPMENT_KEYS_ALLOWED = False
# Encrypts personal data (resident ID numbers). Unset: derived from SECRET_KEY (titles.id_numbers);
# production sets it, so that rotating SECRET_KEY does not make the stored numbers unreadable.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
# The server secret the committee's ballot keys derive from (rule 7). Keep it out of the database
# and its backups; without it a key derived from SECRET_KEY is used.
BALLOT_SECRET = os.environ.get("BALLOT_SECRET") or None
# Public certificate verifications allowed per client address and minute.
CERTIFICATES_VERIFICATIONS_PER_MINUTE = int(
    os.environ.get("CERTIFICATES_VERIFICATIONS_PER_MINUTE", "20")
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "titles.admin_apps.TwoFactorAdminConfig",  # django.contrib.admin, behind two-factor sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_fsm",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # two-factor recovery codes (titles.recovery_codes)
    "axes",
    "titles",
    "applications",
    "review",
    "committee",
    "bureau",
    "certificates",
    "portal",  # the top floor: composes the stages (its URLs are the site's)
]

MIDDLEWARE = [
    # Before anything reads the scheme or the client's address (titles.middleware).
    "titles.middleware.ProxyHeadersMiddleware",
    # The request id, the request log line and the request metrics (titles.middleware_ops).
    "titles.middleware_ops.RequestObservabilityMiddleware",
    # Before anything loads the user: the request's role-name cache is open.
    "titles.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "titles.middleware.ContentSecurityPolicyMiddleware",
    # A request with control characters in its text is refused before anything that stores or
    # looks up what the client sent (titles/input_guard.py, issue #27).
    "titles.input_guard.ControlCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff roles: signed out after TWO_FACTOR_SESSION_IDLE_SECONDS without a page.
    "titles.middleware_2fa.TwoFactorSessionMiddleware",
    "titles.middleware_2fa.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the locked-out page
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "titles.wsgi.application"
ASGI_APPLICATION = "titles.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "titles.context_processors.notifications",
            ],
        },
    },
]

# --- Database: PostgreSQL only ------------------------------------------------------------
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `./dev run` (it starts an embedded PostgreSQL) "
        "or set DATABASE_URL=postgres://USER@HOST:PORT/NAME."
    )
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("PostgreSQL is the only supported database.")
DATABASES["default"].setdefault("TEST", {})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, Celery --------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # A task not acknowledged within this time is redelivered: it must exceed the longest task.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_timeout": 5}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "titles",
        }
    }
else:
    # No Redis: kombu's filesystem transport needs no server (development without Redis).
    BROKER_DIR = DATA_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = None
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# Celery's file scheduler plus beat's heartbeat (titles.heartbeat), read by its healthcheck.
CELERY_BEAT_SCHEDULER = "titles.celery:HeartbeatScheduler"
SWEEP_INTERVAL_SECONDS = int(os.environ.get("SWEEP_INTERVAL_SECONDS", "300"))
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {
        "task": "titles.tasks.task_sweep_deadlines",
        "schedule": float(SWEEP_INTERVAL_SECONDS),
    },
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "titles.User"
AUTHENTICATION_BACKENDS = [
    "titles.twofactor.SignInLockoutBackend",  # django-axes' AxesStandaloneBackend: first
    "titles.backends.AccountBackend",  # ModelBackend, with the role names in the same query
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
GUARDIAN_MONKEY_PATCH_USER = False
# Lockout (django-axes): 5 failures for one username from one address lock that pair for 30
# minutes; a success resets the count. Same client address as the audit trail.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "titles.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "titles.views_auth.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_DISABLE_ACCESS_LOG = True  # the audit trail records sign-ins
# Wrong passwords for one user name, from all addresses together within a day, after which
# signing in with it from an unknown browser also needs an emailed code (titles.signin_throttle).
SIGN_IN_CHALLENGE_AFTER = int(os.environ.get("SIGN_IN_CHALLENGE_AFTER", "10"))
# Two-factor sign-in (django-otp, TOTP): see titles.twofactor for who must use it.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "北京市高级职称评价")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # the emailed link works for one day
# People who must use two-factor sign-in are signed out after this long without a page (8 hours
# unless set); everyone else keeps Django's two weeks (SESSION_COOKIE_AGE).
TWO_FACTOR_SESSION_IDLE_SECONDS = int(
    float(os.environ.get("TWO_FACTOR_SESSION_IDLE_HOURS", "8")) * 3600
)
# Actions that send an email, limited per client address (and per email address for a reset)
# and hour (titles.send_limits); a recommender's code per invited address and hour.
SIGNUPS_PER_HOUR = int(os.environ.get("SIGNUPS_PER_HOUR", "10"))
PASSWORD_RESETS_PER_HOUR = int(os.environ.get("PASSWORD_RESETS_PER_HOUR", "5"))
RECOMMENDER_CODES_PER_HOUR = int(os.environ.get("RECOMMENDER_CODES_PER_HOUR", "5"))
ANONYMOUS_USER_NAME = None

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
# The site's catalogue, then Django's own messages reworded politely (您): both before Django's.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))  # never served directly
# The largest material file accepted (applications.uploads), in bytes; 20 MB unless set.
MATERIAL_MAX_BYTES = int(os.environ.get("MATERIAL_MAX_BYTES", str(20 * 1024 * 1024)))
# The longest a PDF check may run (in a child process) before the file is refused as too complex;
# keep it below the web server's request timeout.
MATERIAL_CHECK_SECONDS = float(os.environ.get("MATERIAL_CHECK_SECONDS", "20"))
# The most pages one PDF material may have, counted in the page tree as parsed (issue #27).
MATERIAL_MAX_PAGES = int(os.environ.get("MATERIAL_MAX_PAGES", "2000"))
# Uploaded files: the local disk under MEDIA_ROOT (one machine), or an S3-compatible object store
# (several machines; titles.files streams downloads from either after the view's checks).
FILE_STORAGE = os.environ.get("FILE_STORAGE", "filesystem")
if FILE_STORAGE == "filesystem":
    DEFAULT_FILE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif FILE_STORAGE == "s3":
    if not os.environ.get("S3_BUCKET"):
        raise ImproperlyConfigured("FILE_STORAGE=s3 needs S3_BUCKET (and usually S3_ENDPOINT_URL).")
    DEFAULT_FILE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            # Unset: Amazon S3 itself; else the store's address (MinIO, Ceph, a cloud's S3 API).
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            # Unset: boto3's own chain (AWS_ACCESS_KEY_ID, an instance role, ~/.aws).
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            # "path" for stores without bucket subdomains (MinIO); unset: boto3 chooses.
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,
            "location": os.environ.get("S3_PREFIX", ""),
            "signature_version": "s3v4",
            # Names are random (uuid4), never reused: never overwrite, never rename.
            "file_overwrite": False,
            # Private objects; nothing is ever linked to directly (downloads stream through us).
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 60,
            "object_parameters": (
                {"ServerSideEncryption": os.environ["S3_SERVER_SIDE_ENCRYPTION"]}
                if os.environ.get("S3_SERVER_SIDE_ENCRYPTION")
                else {}
            ),
            # A path to the CA bundle of an internal store's certificate, or unset.
            "verify": os.environ.get("S3_CA_BUNDLE") or None,
        },
    }
else:
    raise ImproperlyConfigured("FILE_STORAGE is filesystem or s3.")
STORAGES = {
    "default": DEFAULT_FILE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- The process ---------------------------------------------------------------------------
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")  # for links in emails
RECOMMENDER_LINK_DAYS = int(os.environ.get("RECOMMENDER_LINK_DAYS", "30"))
# Rule 4: the agency's stipulated time to decide on eligibility, in working days.
ELIGIBILITY_REVIEW_WORKING_DAYS = int(os.environ.get("ELIGIBILITY_REVIEW_WORKING_DAYS", "15"))

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# Bounds an SMTP conversation: the outbox task holds its row lock while it talks to the server.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "titles@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a reverse proxy: X-Forwarded-Proto and X-Forwarded-For are read only from a peer in
# TRUSTED_PROXIES (titles.middleware.ProxyHeadersMiddleware drops them from anyone else), and
# the client's address is the one PROXY_HOPS proxies back (titles.middleware.client_ip).
BEHIND_PROXY = env_bool("BEHIND_PROXY")
PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "1"))
if PROXY_HOPS < 1:
    raise ImproperlyConfigured("PROXY_HOPS counts the proxies in front of the site: at least 1.")
try:
    TRUSTED_PROXIES = [
        ipaddress.ip_network(entry, strict=False)
        for entry in env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
    ]
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

try:
    METRICS_ALLOWED_NETWORKS = [
        ipaddress.ip_network(entry, strict=False) for entry in env_list("METRICS_ALLOWED_NETWORKS")
    ]
except ValueError as error:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {error}") from None

# --- Logs and error reports -----------------------------------------------------------------
# One JSON object per line in production (titles.logs); plain text under `./dev run`.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT is json or text.")
LOGGING = logging_config(log_format=LOG_FORMAT, level=os.environ.get("LOG_LEVEL", "INFO"))
# Celery keeps Django's logging (the same JSON lines) instead of its own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Optional error reports (Sentry): on only with SENTRY_DSN; personal and ballot data scrubbed.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from titles.error_reporting import error_reporting_init

    error_reporting_init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE") or None,
    )
