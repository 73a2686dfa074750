"""Settings shared by every environment; values come from environment variables.

With no variables set the app runs on one laptop with no services: SQLite, files on disk and a
Celery broker that lives in a folder.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()

DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data")))

SECRET_KEY = env.str("SECRET_KEY", default="local-only-insecure-key-change-me-in-production")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

BOARD_NAME = env.str("BOARD_NAME", default="Wexcombe Safeguarding Children Partnership")
# The service's address as people reach it: each outcome prints it so anyone can check it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Shown on the privacy notice and accessibility statement.
BOARD_CONTACT_EMAIL = env.str("BOARD_CONTACT_EMAIL", default="safeguarding-partnership@localhost")
BOARD_ADDRESS = env.str(
    "BOARD_ADDRESS", default="Wexcombe Safeguarding Children Partnership, Town Hall, Wexcombe"
)
# The UK nation whose bank holidays are not working days when an agency's reply window is
# counted: ENG (England), WLS (Wales), SCT (Scotland) or NIR (Northern Ireland); empty for none.
BANK_HOLIDAYS = env.str("BANK_HOLIDAYS", default="ENG").strip().upper()
if BANK_HOLIDAYS not in {"", "ENG", "WLS", "SCT", "NIR"}:
    raise ImproperlyConfigured(
        f"BANK_HOLIDAYS is {BANK_HOLIDAYS!r}: use ENG, WLS, SCT, NIR or leave it empty."
    )

INSTALLED_APPS = [
    "config.apps.BoardAdminConfig",
    # Before django.contrib.auth: its changepassword command records the change in the audit trail.
    "accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rules.apps.AutodiscoverRulesConfig",
    "policies",
    "reviews",
    "audit",
    "evidence",
    "summaries",
    "outcomes",
    "people",
    "retention",
    # Invented demo data for a laptop (`manage.py seed_demo`): on top, nothing imports it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads a body (CSRF reads forms): too large a body is refused unread.
    "config.request_limits.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Wraps everything after sign-in, so no response to a signed-in person is stored.
    "config.middleware.PrivateCacheControlMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A person who must give a second factor sees nothing else until they have.
    "accounts.two_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After sign-in and messages: ends idle and over-long sessions with a message.
    "people.middleware.SessionExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "config.context_processors.board",
                "config.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The worker and the web server share the file: wait for locks, and take the write lock
    # at the start of a transaction so concurrent writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
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

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Files (policies, outcomes, exports) go to an S3-compatible bucket (MinIO, AWS S3 ...) when one
# is named, so more than one machine can share them; on disk under MEDIA_ROOT otherwise.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            # Without keys, boto3 finds its own (an instance role, a profile).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # "path" for MinIO and most S3-compatible servers; "virtual" for AWS.
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            # Nothing is public and no file has a signed address: every download goes through
            # a view that checks access and audits it.
            "default_acl": "private",
            "querystring_auth": False,
            # A stored file is never replaced: a taken name gets another.
            "file_overwrite": False,
            # Files read back (a policy to extract, a download) stay in memory up to this size
            # and spill to a temporary file beyond it.
            "max_memory_size": 2 * 1024 * 1024,
        },
    }
# Policy files are never served from a public URL: they go out through a view that checks
# access. No URL pattern serves this prefix.
MEDIA_URL = "/private-files-are-not-served/"

# Uploads larger than this are refused before they are checked.
POLICY_UPLOAD_MAX_MB = env.int("POLICY_UPLOAD_MAX_MB", default=25)
# Parsing untrusted files happens in a child process with these limits.
POLICY_CHECK_TIMEOUT_SECONDS = env.float("POLICY_CHECK_TIMEOUT_SECONDS", default=20)
POLICY_EXTRACT_TIMEOUT_SECONDS = env.float("POLICY_EXTRACT_TIMEOUT_SECONDS", default=120)
POLICY_PARSE_MEMORY_MB = env.int("POLICY_PARSE_MEMORY_MB", default=1024)
# Scanned PDFs are read by OCR in the same sandbox; longer scans are refused, not queued for hours.
POLICY_OCR_MAX_PAGES = env.int("POLICY_OCR_MAX_PAGES", default=200)
POLICY_OCR_TIMEOUT_SECONDS = env.float("POLICY_OCR_TIMEOUT_SECONDS", default=1200)

# Outcomes are signed with the board's key and certificate, in a PKCS#12 file kept outside the
# repository; its passphrase only ever comes from the environment.
OUTCOME_SIGNING_PKCS12 = Path(
    env.str("OUTCOME_SIGNING_PKCS12", default=str(DATA_DIR / "signing" / "board.p12"))
)
OUTCOME_SIGNING_PASSPHRASE = env.str("OUTCOME_SIGNING_PASSPHRASE", default="")
# A timestamp server (RFC 3161) makes the signature PAdES B-T; without one it is B-B.
OUTCOME_TIMESTAMP_URL = env.str("OUTCOME_TIMESTAMP_URL", default="")
# "Check an outcome" takes PDFs from anyone: bigger files are refused, parsing has limits.
OUTCOME_CHECK_MAX_MB = env.int("OUTCOME_CHECK_MAX_MB", default=20)
OUTCOME_CHECK_TIMEOUT_SECONDS = env.float("OUTCOME_CHECK_TIMEOUT_SECONDS", default=20)
# Checks an address may make ("10/m": ten a minute), and how many may run at once on the server:
# each starts a parser child. Counted in the default cache, which must be shared (Redis) when
# more than one web process runs.
OUTCOME_CHECK_RATE = env.str("OUTCOME_CHECK_RATE", default="10/m")
OUTCOME_CHECK_CONCURRENCY = env.int("OUTCOME_CHECK_CONCURRENCY", default=2)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# Search boxes (type="search") are GOV.UK text inputs too.
CRISPY_CLASS_CONVERTERS = {"searchinput": "govuk-input"}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Rendered parts of pages that change only with a row's version (a review step's answers, a
# policy's text) are kept in each process's memory. Their keys carry that version, so nothing
# ever needs clearing in another process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}

# How long each kind of record is kept, in days (0 keeps it for ever). Superseded policy
# versions count from upload; finished reviews and their outcomes from their last move.
POLICY_FILE_RETENTION_DAYS = env.int("POLICY_FILE_RETENTION_DAYS", default=6 * 365)
REVIEW_RETENTION_DAYS = env.int("REVIEW_RETENTION_DAYS", default=6 * 365)
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=7 * 365)

# Sign-in throttling: lock a person out at one address after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Reverse proxies in front of the app that append to X-Forwarded-For (0: none). The audit trail,
# sign-in throttling and rate limits then take the address the outermost proxy saw, not the
# proxy's own (which would make every person one address) nor what the client claims.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
if not 0 <= TRUSTED_PROXIES <= 10:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES is {TRUSTED_PROXIES}: give a number from 0 to 10.")
AXES_CLIENT_IP_CALLABLE = "audit.services.client_ip"
RATELIMIT_IP_META_KEY = "audit.services.client_ip"
AXES_USERNAME_FORM_FIELD = "username"
# Failures count against the address in one spelling, whatever case it was typed in.
AXES_USERNAME_CALLABLE = "accounts.throttling.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Second factor (TOTP) for password sign-in: always for board admins, reviewers and moderators;
# for agency members "off", "offered" (they may set one up) or "required".
AGENCY_MEMBER_SECOND_FACTOR = env.str("AGENCY_MEMBER_SECOND_FACTOR", default="offered")
OTP_TOTP_ISSUER = BOARD_NAME
# Wrong codes slow down: 1, 2, 4, 8 ... seconds between attempts, per device.
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_TOTP_THROTTLE_FACTOR", default=1)
OTP_STATIC_THROTTLE_FACTOR = env.int("OTP_STATIC_THROTTLE_FACTOR", default=1)

# Sign-in with an organisation's account (OpenID Connect). Without a client id and a provider
# (its discovery document's address, or its issuer), people sign in with a password only.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_ISSUER = env.str("OIDC_ISSUER", default="")
OIDC_DISCOVERY_URL = env.str(
    "OIDC_DISCOVERY_URL",
    default=f"{OIDC_ISSUER.rstrip('/')}/.well-known/openid-configuration" if OIDC_ISSUER else "",
)
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID and OIDC_DISCOVERY_URL)
# Only a verified email address finds a person. Microsoft Entra ID sends no email_verified
# claim: set this to trust the email your own tenant's directory gives.
OIDC_TRUST_PROVIDER_EMAIL = env.bool("OIDC_TRUST_PROVIDER_EMAIL", default=False)
# A sign-in the provider says used more than a password (amr "mfa", "otp", "hwk" ...) needs no
# TOTP code here as well.
OIDC_TRUST_PROVIDER_MFA = env.bool("OIDC_TRUST_PROVIDER_MFA", default=True)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT_SECONDS", default=10)
# Refused organisation sign-ins carry no email address for the password lockout to count
# against: they would lock out everyone behind one office address. They are audited instead.
AXES_WHITELIST_CALLABLE = "accounts.oidc.axes_not_counted"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("accounts.oidc.OrganisationAccountBackend")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# A session left idle this long ends; board roles see every agency's material, so sooner.
SESSION_IDLE_TIMEOUT_BOARD_MINUTES = env.int("SESSION_IDLE_TIMEOUT_BOARD_MINUTES", default=30)
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=60)
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "config.csrf.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="policy-review@localhost")

# Celery: Redis when REDIS_URL is set, otherwise a broker kept in a folder so that a laptop
# needs no server.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A task that is not acknowledged within this time is delivered again; it must outlast
        # the hard time limit or a slow task would run twice.
        "visibility_timeout": CELERY_TASK_TIME_LIMIT * 2,
    }
else:
    BROKER_DIR = DATA_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "requeue-policy-versions-still-checking": {
        "task": "policies.tasks.policy_versions_requeue_stale",
        "schedule": 10 * 60,
    },
    # The agency's reply ends the day after its last day; a review already moved on is left.
    "close-reply-windows": {
        "task": "reviews.tasks.reply_windows_close",
        "schedule": crontab(minute=5),
    },
    "requeue-outcomes-still-preparing": {
        "task": "outcomes.tasks.outcomes_requeue_stale",
        "schedule": 10 * 60,
    },
    # Reminders: each is sent once per trigger, so a run that repeats sends nothing twice.
    "send-reminders-due": {
        "task": "summaries.tasks.reminders_send_due",
        "schedule": crontab(hour=7, minute=0),
    },
    "apply-retention-periods": {
        "task": "retention.tasks.retention_apply_due",
        "schedule": crontab(hour=2, minute=30),
    },
    "send-weekly-overdue-digest": {
        "task": "summaries.tasks.digest_send_weekly",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
