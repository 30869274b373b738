"""Woonbrug settings: one module, every value from the environment.

Defaults are the embedded developer setup (SQLite, Celery tasks run in-process); with
`DATABASE_URL` and `REDIS_URL` set the same code runs on PostgreSQL and a real broker.
Run `manage.py envdocs` for the reference of every variable (the README carries a copy).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import ENV
from config.redis import cache_settings

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = ENV.bool("DEBUG", False, "Development mode. Never on in production.")

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-" + "x" * 20
SECRET_KEY = ENV.str(
    "SECRET_KEY", "", "Django's signing key. Required unless DEBUG is on (then a dev key is used)."
)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or SECRET_KEY_FILE); "
            "only DEBUG=true runs with a built-in development key."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = ENV.list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost"], "Host names this site answers to, comma-separated."
)
CSRF_TRUSTED_ORIGINS = ENV.list(
    "CSRF_TRUSTED_ORIGINS",
    [],
    "Origins trusted for POSTs behind a proxy, e.g. https://woonbrug.example.nl.",
)
SITE_URL = ENV.str("SITE_URL", "http://127.0.0.1:8000", "Public base URL, used in e-mails.")

INSTALLED_APPS = [
    "accounts.admin_site.WoonbrugAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "csp",
    "accounts",
    "housing",
    "cases",
    "matching.board",
    "matching.simulation",
    "matching.placements",
    "matching.aftercare",
    "matching.monitor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every dynamic response: Cache-Control no-store, private (personal data; issue 13).
    "accounts.middleware.NoStoreMiddleware",
    "accounts.limits.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Bounded requests (accounts/limits.py): a clear 400 instead of a parser's 500.
REQUEST_MAX_BYTES = 1024 * 1024  # forms and API bodies
REQUEST_UPLOAD_MAX_BYTES = 21 * 1024 * 1024  # multipart uploads: an import file of 20 MB
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
JSON_MAX_DEPTH = 32

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.navigation",
                "accounts.context_processors.states",
            ],
            # The formatting layer's filters (money, percent, score, week, ...) everywhere.
            "builtins": ["accounts.templatetags.formatting", "django.templatetags.l10n"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        ENV.str(
            "DATABASE_URL",
            f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            "Database URL, e.g. postgres://user:pass@host:5432/woonbrug. Default: SQLite file.",
            shown="`sqlite:///<project>/db.sqlite3`",
        ),
        conn_max_age=ENV.int("DATABASE_CONN_MAX_AGE", 60, "Seconds to keep database connections."),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Set where migrations run (as the owner): after every migrate this role gets the grants the
# application needs, and only INSERT and SELECT on the access log (accounts/db_roles.py).
DATABASE_APP_ROLE = ENV.str(
    "DATABASE_APP_ROLE",
    "",
    "PostgreSQL role the application connects as (not the owner); migrate grants it "
    "its rights, on the access log only INSERT and SELECT.",
)

# --- Cache and Celery -----------------------------------------------------------------------
REDIS_URL = ENV.str(
    "REDIS_URL", "", "Redis URL for the Celery broker and cache. Empty: tasks run in-process."
)
_EAGER = ENV.bool(
    "CELERY_TASK_ALWAYS_EAGER",
    False,
    "Run Celery tasks in-process even with a broker (tests).",
    shown="`False` (always on without REDIS_URL)",
)
if REDIS_URL:
    CACHES = {"default": cache_settings(REDIS_URL)}  # degrades when Redis is down
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = _EAGER
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose worker process dies is requeued, not acknowledged (tasks are idempotent).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# No task runs unbounded: per-task limits below; these are the defaults for the rest.
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
# Separate queues so a long simulation never delays the board: run one worker for
# `board,default` and another for `simulation` (README, docker-compose.yml).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "simulation.tasks.sweep_stuck_runs": {"queue": "default"},
    "matching.board.tasks.sweep_stuck_runs": {"queue": "default"},
    "matching.board.tasks.*": {"queue": "board"},
    "matching.placements.tasks.*": {"queue": "board"},
    "simulation.tasks.*": {"queue": "simulation"},
}
# An unacknowledged message (its worker was killed) is redelivered after the visibility
# timeout. It must exceed the longest hard time limit (simulation: 20 minutes), or a running
# task would be delivered a second time; the heartbeat sweeps below take a dead run over within
# a minute, long before that. A message not picked up before its hard limit starts is harmless:
# every task checks its row first.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# Mail: a mail server that does not answer is given up after this many seconds (then retried).
EMAIL_TIMEOUT = 10
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "purge-login-sessions": {"task": "accounts.purge_login_sessions", "schedule": 3600.0},
}

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # An organisation's own sign-in (OpenID Connect, accounts/oidc.py); only answers in its
    # callback, for members the organisation already has.
    "accounts.oidc.OrganisationOIDCBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

DEMO_MODE = ENV.bool(
    "DEMO_MODE", False, "Show the demo accounts on the sign-in page. Never on in production."
)
REQUIRE_MFA = ENV.bool(
    "REQUIRE_MFA",
    True,
    "Require TOTP two-factor sign-in for every user (NEN 7510). Only the demo turns it off.",
)
OTP_TOTP_ISSUER = "Woonbrug"
# Passkeys (django-otp-webauthn) as the second option for the second factor, never as a
# sign-in on their own (accounts/passkeys.py). Bound to the public address (SITE_URL).
# Browsers offer passkeys only over HTTPS or on `localhost` (never on an IP address), so a
# plain-HTTP development address is served for passkeys as http://localhost:<port>.
_SITE = urlsplit(SITE_URL)
OTP_WEBAUTHN_RP_NAME = "Woonbrug"
if _SITE.scheme == "https":
    OTP_WEBAUTHN_RP_ID = _SITE.hostname or "localhost"
    OTP_WEBAUTHN_ALLOWED_ORIGINS = [f"https://{_SITE.netloc}"]
else:
    OTP_WEBAUTHN_RP_ID = "localhost"
    OTP_WEBAUTHN_ALLOWED_ORIGINS = ["http://localhost" + (f":{_SITE.port}" if _SITE.port else "")]
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
ENROLMENT_HOURS = ENV.int(
    "ENROLMENT_HOURS",
    72,
    "Hours an enrolment link (invitation, second-factor reset) stays valid; it works once.",
)

# An organisation's own sign-in through OpenID Connect (mozilla-django-oidc, accounts/oidc.py).
# Issuer, client id and scopes are set per organisation in the admin (IdentityProvider); the
# client secrets only ever come from the environment.
OIDC_CLIENT_SECRETS = ENV.list(
    "OIDC_CLIENT_SECRETS",
    [],
    "Client secrets of the organisations' identity providers (OpenID Connect), comma-separated "
    "`organisation-slug=secret` pairs; use OIDC_CLIENT_SECRETS_FILE for a secrets file.",
)
OIDC_TIMEOUT = ENV.int(
    "OIDC_TIMEOUT", 10, "Seconds Woonbrug waits for an identity provider (discovery, token, keys)."
)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"
OIDC_VERIFY_SSL = True

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed attempts for one
# e-mail address from one IP address, that pair is cooled off for AXES_COOLOFF minutes.
# It unlocks by itself; an admin can unlock earlier with `manage.py axes_reset_username`.
AXES_FAILURE_LIMIT = ENV.int("LOGIN_FAILURE_LIMIT", 5, "Failed sign-ins before a cool-off.")
AXES_COOLOFF_TIME = timedelta(
    minutes=ENV.int("LOGIN_COOLOFF_MINUTES", 15, "Minutes a throttled e-mail/IP pair waits.")
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = ENV.int(
    "PROXY_COUNT", 0, "Reverse proxies in front of the app (for client IPs)."
)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Sessions: 30 minutes idle (the cookie age is renewed on every request), 12 hours at most
# since sign-in (enforced by accounts.middleware.SessionLifetimeMiddleware).
SESSION_COOKIE_AGE = (
    ENV.int("SESSION_IDLE_MINUTES", 30, "Minutes of inactivity before sign-out.") * 60
)
SESSION_MAX_AGE = (
    ENV.int("SESSION_MAX_HOURS", 12, "Hours after sign-in when a session ends regardless.") * 3600
)
SESSION_SAVE_EVERY_REQUEST = True
API_TOKEN_DAYS = ENV.int(
    "API_TOKEN_DAYS",
    30,
    "Days an API token is valid. Personal tokens also die after SESSION_IDLE_MINUTES unused.",
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Guardian holds per-object grants only; no anonymous user, no global permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Security headers (production defaults; DEBUG relaxes the HTTPS ones) ---------------
_HTTPS = ENV.bool(
    "HTTPS",
    not DEBUG,
    "Site is served over HTTPS (secure cookies, HSTS, redirect).",
    shown="not DEBUG",
)
SECURE_SSL_REDIRECT = ENV.bool(
    "SECURE_SSL_REDIRECT", _HTTPS, "Redirect plain HTTP to HTTPS.", shown="HTTPS"
)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = 31536000 if _HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

MAP_TILE_URL = ENV.str(
    "MAP_TILE_URL", "", "Optional map tile URL template ({z}/{x}/{y}); empty renders without tiles."
)
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]) if MAP_TILE_URL else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *([_tile_origin] if _tile_origin else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Session first: an anonymous request answers 403 as before; a request with a dead
        # token answers 401 (the token's own message says why: expired, idle, revoked).
        "accounts.tokens.SessionAuthentication",
        "accounts.tokens.ApiTokenAuthentication",
    ],
    # Default deny: a view that does not name a policy of the permission layer refuses.
    "DEFAULT_PERMISSION_CLASSES": ["accounts.access.drf.LayerPermission"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_standardized_errors.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "accounts.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": "600/minute"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Woonbrug API",
    "DESCRIPTION": "Plaatsing van uitstromers uit zorg en opvang, met oog voor de draagkracht van buurten.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["accounts.access.drf.IsVerifiedUser"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ClientStatusEnum": "cases.models.ClientStatus",
        "DwellingStatusEnum": "housing.models.DwellingStatus",
        "ImportStatusEnum": "housing.models.ImportStatus",
        "MeetingStatusEnum": "matching.board.models.MeetingStatus",
        "ProposalStatusEnum": "matching.board.models.ProposalStatus",
        "PlacementStatusEnum": "matching.placements.models.PlacementStatus",
        "AgreementStateEnum": "matching.placements.models.AgreementState",
        # The placement's agreement kinds are the client's preferences (same codes).
        "AgreementTypeEnum": "cases.models.AgreementType",
        "PartyEnum": "matching.placements.models.Party",
        "EvaluationKindEnum": "matching.placements.models.EvaluationKind",
        # The two parties that raise and answer signals (care provider, corporation).
        "SignalPartyEnum": "matching.aftercare.models.PARTY_CHOICES",
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "ErrorCode401Enum": "drf_standardized_errors.openapi_serializers.ErrorCode401Enum.choices",
        "ErrorCode403Enum": "drf_standardized_errors.openapi_serializers.ErrorCode403Enum.choices",
        "ErrorCode404Enum": "drf_standardized_errors.openapi_serializers.ErrorCode404Enum.choices",
        "ErrorCode405Enum": "drf_standardized_errors.openapi_serializers.ErrorCode405Enum.choices",
        "ErrorCode406Enum": "drf_standardized_errors.openapi_serializers.ErrorCode406Enum.choices",
        "ErrorCode415Enum": "drf_standardized_errors.openapi_serializers.ErrorCode415Enum.choices",
        "ErrorCode429Enum": "drf_standardized_errors.openapi_serializers.ErrorCode429Enum.choices",
        "ErrorCode500Enum": "drf_standardized_errors.openapi_serializers.ErrorCode500Enum.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        # Times of day are "HH:MM[:SS]" without an offset: not JSON Schema's "time" format.
        "accounts.api.schema.plain_times",
    ],
}

# --- Internationalisation -----------------------------------------------------------------
# Source strings are Dutch (the interface's first language); English comes from locale/en.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
# One formatting layer (accounts/formatting.py): numbers are grouped ("1.234" in Dutch), and
# config/formats/<lang>/formats.py fixes the date styles per language. Integers that are not
# quantities (years, ids, house numbers) are printed with |unlocalize or as strings.
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static files, e-mail, logging ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
_MANIFEST = ENV.bool(
    "STATIC_MANIFEST",
    True,
    "Serve hashed static file names (needs collectstatic; ignored with DEBUG).",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _MANIFEST and not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(
    ENV.str(
        "MEDIA_ROOT",
        str(BASE_DIR / "media"),
        "Where generated documents are stored.",
        shown="`<project>/media`",
    )
)

EMAIL_BACKEND = ENV.str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
    "Django e-mail backend; the default prints mail to the console.",
)
EMAIL_HOST = ENV.str("EMAIL_HOST", "localhost", "SMTP host.")
EMAIL_PORT = ENV.int("EMAIL_PORT", 25, "SMTP port.")
EMAIL_HOST_USER = ENV.str("EMAIL_HOST_USER", "", "SMTP user.")
EMAIL_HOST_PASSWORD = ENV.str("EMAIL_HOST_PASSWORD", "", "SMTP password.")
EMAIL_USE_TLS = ENV.bool("EMAIL_USE_TLS", False, "Use STARTTLS for SMTP.")
DEFAULT_FROM_EMAIL = ENV.str(
    "DEFAULT_FROM_EMAIL", "Woonbrug <noreply@woonbrug.nl>", "Sender of e-mails."
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": ENV.str("LOG_LEVEL", "INFO", "Root log level.")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Cases: encryption of care-only data, consent expiry ---------------------------------
# Care-only fields (name, date of birth, contact, care history, exclusion reasons, notes) are
# encrypted with Fernet keys. The FIRST key encrypts; every listed key decrypts. Rotation: put
# a new key first, keep the old ones after it, deploy, run `manage.py reencrypt_care_data`,
# then remove the old keys. Generate a key with
#   python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"
_DEV_FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5ldmVyLXByb2R1Y3Q="
FIELD_ENCRYPTION_KEYS = ENV.list(
    "FIELD_ENCRYPTION_KEYS",
    [],
    "Fernet keys for care-only client data, comma-separated, newest first. Required unless DEBUG "
    "is on (then a fixed development key is used).",
)
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set. Set it in the environment (or FIELD_ENCRYPTION_KEYS_FILE); "
            "only DEBUG=true runs with a built-in development key."
        )
    FIELD_ENCRYPTION_KEYS = [_DEV_FIELD_ENCRYPTION_KEY]

# Consent that passed its end date is marked ended (and the client taken off the board) every
# hour; every read path already treats it as absent from the first day after `valid_until`.
CELERY_BEAT_SCHEDULE["cases-expire-consents"] = {
    "task": "cases.tasks.expire_consents",
    "schedule": timedelta(hours=1),
}

# Retention (docs/privacy.md "Retention"): a closed or withdrawn case keeps its personal and
# care-only data for RETENTION_CARE_DAYS, then a daily task anonymises it (pseudonym, statuses
# and dates stay for the statistics); the agreements' contract data stay RETENTION_CONTRACT_DAYS
# after the last agreement ended (the fiscal duty to keep, art. 52 AWR / 2:10 BW: 7 years).
# The access log is never shortened by it: NEN 7513 asks at least ACCESS_LOG_RETENTION_DAYS.
RETENTION_CARE_DAYS = ENV.int(
    "RETENTION_CARE_DAYS",
    730,
    "Days after a case is closed or withdrawn before its personal and care-only data are "
    "anonymised (default 2 years).",
)
RETENTION_CONTRACT_DAYS = ENV.int(
    "RETENTION_CONTRACT_DAYS",
    2557,
    "Days after the last agreement ended before its contract data (names, contact, documents, "
    "signatures) are anonymised (default 7 years: the fiscal duty to keep records).",
)
ACCESS_LOG_RETENTION_DAYS = ENV.int(
    "ACCESS_LOG_RETENTION_DAYS",
    1827,
    "Days access-log rows are kept at least (NEN 7513: 5 years); only older months may be "
    "detached for the archive.",
)
ACCESS_LOG_ANCHOR_FILE = ENV.str(
    "ACCESS_LOG_ANCHOR_FILE",
    str(BASE_DIR / "var" / "access-log-anchors.jsonl"),
    "Append-only file the daily job writes the access log's chain heads to; put it outside "
    "the application's reach (a WORM or append-only mount). Empty: no anchors.",
    shown="`<project>/var/access-log-anchors.jsonl`",
)
# PostgreSQL: the access log is partitioned by month (accounts.access.partitions); a daily task
# creates the current month's partition and this many months ahead (a DEFAULT partition takes
# any row whose month has none, so a write never fails).
ACCESS_LOG_PARTITIONS_AHEAD = ENV.int(
    "ACCESS_LOG_PARTITIONS_AHEAD",
    3,
    "Months ahead the daily task creates the access log's monthly partitions (PostgreSQL).",
)
CELERY_BEAT_SCHEDULE["accounts-create-access-log-partitions"] = {
    "task": "accounts.tasks.create_access_log_partitions",
    "schedule": timedelta(days=1),
}
CELERY_BEAT_SCHEDULE["accounts-anchor-access-log"] = {
    "task": "accounts.tasks.anchor_access_log",
    "schedule": timedelta(days=1),
}
RETENTION_TIME_LIMIT_SECONDS = ENV.int(
    "RETENTION_TIME_LIMIT_SECONDS",
    240,
    "Seconds one run of the daily retention task may work; the next run continues.",
)
CELERY_BEAT_SCHEDULE["cases-apply-retention"] = {
    "task": "cases.tasks.apply_retention",
    "schedule": timedelta(days=1),
}

# --- Placement board (matching) -------------------------------------------------------------
BOARD_GENERATE_HOURS_BEFORE = ENV.int(
    "BOARD_GENERATE_HOURS_BEFORE", 24, "Hours before a board meeting its proposals are made."
)
BOARD_CHAIR_ALERT_DAYS = ENV.int(
    "BOARD_CHAIR_ALERT_DAYS", 2, "Days past a proposal's deadline before the chair is alerted."
)
BOARD_EXPIRY_DAYS = ENV.int(
    "BOARD_EXPIRY_DAYS", 7, "Days past a proposal's deadline before it expires."
)
CELERY_BEAT_SCHEDULE["matching-plan-meetings"] = {
    "task": "matching.board.tasks.plan_meetings",
    "schedule": timedelta(hours=6),
}
CELERY_BEAT_SCHEDULE["matching-generate-due"] = {
    "task": "matching.board.tasks.generate_due",
    "schedule": timedelta(minutes=15),
}
# Generation runs whose worker died are taken over or failed within a minute.
CELERY_BEAT_SCHEDULE["matching-sweep-stuck-runs"] = {
    "task": "matching.board.tasks.sweep_stuck_runs",
    "schedule": timedelta(seconds=15),
}
CELERY_BEAT_SCHEDULE["matching-check-deadlines"] = {
    "task": "matching.board.tasks.check_deadlines",
    "schedule": timedelta(hours=1),
}
# Old runs' stored instance and solution (megabytes each) are compressed once nothing reads them.
CELERY_BEAT_SCHEDULE["matching-archive-runs"] = {
    "task": "matching.board.tasks.archive_runs",
    "schedule": timedelta(hours=24),
}
CELERY_BEAT_SCHEDULE["matching-send-digests"] = {
    "task": "matching.board.tasks.send_digests",
    "schedule": timedelta(hours=6),  # keyed per ISO week: the first run of a week sends it
}

# --- What-if simulation (matching.simulation) -----------------------------------------------
SIMULATION_SMALL_NUMBERS = ENV.int(
    "SIMULATION_SMALL_NUMBERS",
    5,
    "Per-neighbourhood simulation counts below this are shown as 'minder dan N' (privacy).",
)

# Runs whose worker died are found by their heartbeat within seconds (services.STALE_AFTER).
CELERY_BEAT_SCHEDULE["simulation-sweep-stuck-runs"] = {
    "task": "simulation.tasks.sweep_stuck_runs",
    "schedule": timedelta(seconds=15),
}

# --- Placements and agreements (matching.placements) ---------------------------------------
# Daily: evaluations and agreement ends due within four weeks or overdue are reminded to the
# coordinator and the consultant, once per due date (keyed), so the hour does not matter.
CELERY_BEAT_SCHEDULE["placements-send-reminders"] = {
    "task": "matching.placements.tasks.send_reminders",
    "schedule": timedelta(days=1),
}

# --- Signals after the move (matching.aftercare) --------------------------------------------
SIGNAL_ACKNOWLEDGE_WORKING_DAYS = ENV.int(
    "SIGNAL_ACKNOWLEDGE_WORKING_DAYS",
    2,
    "Working days the other party has to acknowledge a signal about a placed tenant.",
)
SIGNAL_ANSWER_WORKING_DAYS = ENV.int(
    "SIGNAL_ANSWER_WORKING_DAYS",
    10,
    "Working days the other party has to answer a signal with an assessment and an action.",
)
SIGNAL_URGENT_WORKING_DAYS = ENV.int(
    "SIGNAL_URGENT_WORKING_DAYS",
    1,
    "Working days to acknowledge and answer an urgent signal.",
)
CELERY_BEAT_SCHEDULE["aftercare-check-deadlines"] = {
    "task": "matching.aftercare.tasks.check_signal_deadlines",
    "schedule": timedelta(hours=1),
}

# --- Regional monitor (matching.monitor) -----------------------------------------------------
# The monthly counts are rebuilt from the event history every 5 minutes (a page whose counts
# are older than 15 minutes rebuilds them itself; docs/monitor.md).
CELERY_BEAT_SCHEDULE["monitor-refresh-figures"] = {
    "task": "matching.monitor.tasks.refresh_figures",
    "schedule": timedelta(minutes=5),
}
