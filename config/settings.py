"""Settings, read from the environment (docs/interfaces.md §1).

With no environment at all the app runs for a developer: SQLite in the project
root, tasks run in-process, mail printed to the console. `DJANGO_ENV=production`
turns on the deployment settings and refuses to start with an unsafe one.
"""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = env.bool("TESTING", default=False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION:
    unsafe = []
    if DEBUG:
        unsafe.append("DEBUG is on")
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        unsafe.append("SECRET_KEY is the development default, shorter than 50 characters or not random")
    if not ALLOWED_HOSTS:
        unsafe.append("ALLOWED_HOSTS is empty")
    if unsafe:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(unsafe) + ".")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "import_export",
    "simple_history",
    "core",
    "people",
    "training",
    "policies",
    "compliance",
    "privacy",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "accounts",
    "programme",
    "reviews",
    "integrations",
    "api",
    "imports",
    "reminders",
    "dashboard",
    # seed_demo and what only the demo needs (demo/); nothing imports it.
    "demo",
    "workspace",
    "selfservice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.LeaverSignOutMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside the CSP middleware: adds the provider to form-action for the sign-out form.
    "accounts.middleware.ProviderFormActionMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]
MIDDLEWARE.insert(0, "core.observability.RequestIdMiddleware")

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
                "dashboard.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Only the statements prepared on purpose (core.db.prepared_cursor, the
    # API's hot path) are affected: Django binds parameters client-side and
    # prepares nothing itself. Their plan does not depend on the values, so it
    # is made once per connection rather than at every request.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("prepare_threshold", 5)
    _options["options"] = f"{_options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
    # For `manage.py migrate` while the old version serves traffic (scripts/migrate.sh sets it):
    # a migration that cannot have its table lock this soon gives up and is tried again, rather
    # than queue every request behind its lock request while a long query finishes.
    DB_LOCK_TIMEOUT = env.str("DB_LOCK_TIMEOUT", default="")
    if DB_LOCK_TIMEOUT:
        import re

        if not re.fullmatch(r"\d+(ms|s|min)?", DB_LOCK_TIMEOUT):
            raise ImproperlyConfigured(
                f"DB_LOCK_TIMEOUT: {DB_LOCK_TIMEOUT!r} is not a time such as 2s or 500ms."
            )
        _options["options"] += f" -c lock_timeout={DB_LOCK_TIMEOUT}"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Development and `make demo`, where a Celery worker and the web server share the file:
    # WAL lets a page (an import's progress bar) read while the worker writes, and a writer
    # waits for the lock rather than failing at once with "database is locked".
    _sqlite = DATABASES["default"].setdefault("OPTIONS", {})
    _sqlite.setdefault("init_command", "PRAGMA journal_mode=WAL;")
    _sqlite.setdefault("transaction_mode", "IMMEDIATE")
    _sqlite.setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# docs/rules.md §2: every date is a calendar date in Europe/London.
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Certificates and policy documents live in PostgreSQL, which every web and worker process
    # reaches and the backup already holds (core/filestore.py says why not a package).
    "default": {"BACKEND": "core.filestore.DatabaseStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Only read by `move_media_to_database`, which moves files stored here by earlier releases.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

# django-axes first: it counts failed sign-ins (by username and address together) and
# locks the pair out; every sign-in and failure is kept in its tables, shown in the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the colleague with the user (the leaver check costs no query).
    "accounts.backends.LocalBackend",
    "accounts.oidc.ProviderBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None
OTP_TOTP_ISSUER = "Training compliance"

# Single sign-on through the organisation's OpenID Connect provider (accounts/oidc.py,
# README "Signing in"). Off while OIDC_ISSUER is empty: local passwords only.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
# The ID token claim matched to a colleague: `email` (case-insensitive), any other name: the employee number.
OIDC_COLLEAGUE_CLAIM = env.str("OIDC_COLLEAGUE_CLAIM", default="email")
# `group=role` pairs read from the `groups` claim; roles hr, auditor, policy_owner (managers come from the data).
OIDC_ROLE_GROUPS = env.str("OIDC_ROLE_GROUPS", default="")
# `amr`/`acr` values that mean the provider asked for a second factor: HR then needs no local TOTP.
OIDC_MFA_VALUES = env.list("OIDC_MFA_VALUES", default=["mfa"])
# Production refuses a sign-in whose redirect URI would be http:// (a code sent in clear).
OIDC_REQUIRE_HTTPS_REDIRECT = env.bool("OIDC_REQUIRE_HTTPS_REDIRECT", default=PRODUCTION)
# Local password sign-in: False keeps it for superusers (break-glass administrators) only.
LOCAL_PASSWORD_SIGN_IN = env.bool("LOCAL_PASSWORD_SIGN_IN", default=True)
# mozilla-django-oidc's own names, from the ones above (endpoints come from discovery: accounts/oidc.py).
OIDC_RP_CLIENT_ID = OIDC_CLIENT_ID
OIDC_RP_CLIENT_SECRET = OIDC_CLIENT_SECRET
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT_SECONDS", default=10.0)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:sso_callback"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Email: EMAIL_URL (smtp://user:pass@host:port, consolemail://, ...) or the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="training-compliance@localhost")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Celery: with no broker configured, tasks run in-process so a laptop needs no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Redis down: a web request that sends a task gives up after about a second (Celery's
# result store retries 20 times a second apart by default) and the task goes to the
# outbox (core/outbox.py); a Redis host that does not answer at all is given 2 seconds.
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
# A task taken by a worker that then died whole (the machine, not just a pool process,
# which the worker requeues at once) goes back to the queue after this long. Longer
# than any task runs, or a slow task would be run twice.
_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    # Workers look for such tasks every tenth of the timeout, at most every 10 s
    # (kombu's own sweep is every 100 s).
    "unacked_restore_interval": max(1, min(10, _VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
}
# How often beat sends the tasks kept in the outbox while Redis was down.
OUTBOX_DRAIN_SECONDS = env.float("OUTBOX_DRAIN_SECONDS", default=60.0)

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hate-crime case eligibility API",
    "DESCRIPTION": "Which officers may be assigned hate-crime cases, and why (Hate Harassment Policy 6.0).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Swagger UI draws a deep link inside each operation's button: nested controls (WCAG 4.1.2).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "COMPONENT_SPLIT_REQUEST": True,
    # Case types and teams are data: the schema lists the ones the server accepts when it is served.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.data_enums"],
    "ENUM_NAME_OVERRIDES": {
        "ReasonCodeEnum": "compliance.enums.Reason",
        "StatusEnum": "compliance.enums.Status",
    },
}

# UK GDPR storage limitation: leavers' personal data is anonymised this long after leaving.
RETENTION_YEARS_AFTER_LEAVING = env.int("RETENTION_YEARS_AFTER_LEAVING", default=6)

# Celery beat: one entry per scheduled job (times are Europe/London).
CELERY_BEAT_SCHEDULE = {
    "privacy-anonymise-leavers": {
        "task": "privacy.tasks.anonymise_leavers_task",
        "schedule": crontab(hour=2, minute=30),
    },
    "reminders-daily": {"task": "reminders.send_due", "schedule": crontab(hour=7, minute=0)},
    "core-outbox-drain": {"task": "core.outbox_drain", "schedule": OUTBOX_DRAIN_SECONDS},
    "reminders-manager-digests-weekly": {
        "task": "reminders.send_manager_digests",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
}
# Issue 5: policy owners hear of reviews due (180/90/30 days) and overdue (weekly).
CELERY_BEAT_SCHEDULE["policy-review-reminders"] = {
    "task": "policies.tasks.policy_review_reminders_send",
    "schedule": crontab(hour=7, minute=30),
}

# Issue 19: the committee pack (quarterly KPI report as a PDF) goes to these addresses
# (comma-separated) on the first working day after each quarter ends; none: not sent.
COMMITTEE_PACK_RECIPIENTS = env.list("COMMITTEE_PACK_RECIPIENTS", default=[])
CELERY_BEAT_SCHEDULE["dashboard-committee-pack"] = {
    "task": "dashboard.tasks.committee_pack_quarterly",
    "schedule": crontab(hour=7, minute=45),
}

# docs/rules.md §3: the warning window before a due date.
COMPLIANCE_WARNING_DAYS = env.int("COMPLIANCE_WARNING_DAYS", default=90)
# Training a colleague submits counts once HR has checked it; these providers (exact names,
# comma-separated) are trusted: their records count at once (workspace.services).
TRAINING_TRUSTED_PROVIDERS = env.list("TRAINING_TRUSTED_PROVIDERS", default=[])
# docs/rules.md §6: a review with EIA and consultation takes months.
POLICY_REVIEW_WARNING_DAYS = env.int("POLICY_REVIEW_WARNING_DAYS", default=180)
# Colleague reviews: the default gap to the next review, and when a first one is due after starting.
COLLEAGUE_REVIEW_MONTHS = env.int("COLLEAGUE_REVIEW_MONTHS", default=12)

# The case system's API (issue 9). Throttling and the catalogue's cache use the
# default cache: give several web processes a shared one with CACHE_URL (redis://...).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Redis down must not take the API and the pages with it: this process's memory stands in.
    CACHES["default"]["BACKEND"] = "core.cache.FallbackRedisCache"
# Seconds another web process may answer from a catalogue (requirements, courses,
# equivalences, case types) loaded before an edit; the editing process sees it at once.
COMPLIANCE_CATALOGUE_CACHE_SECONDS = env.int("COMPLIANCE_CATALOGUE_CACHE_SECONDS", default=5)
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="1200/min")
API_USER_THROTTLE_RATE = env.str("API_USER_THROTTLE_RATE", default="600/min")
API_ELIGIBILITY_BULK_MAX = env.int("API_ELIGIBILITY_BULK_MAX", default=1000)
# Seconds a web process may trust a key it has seen, for the eligibility
# endpoints only: their decision-log INSERT re-checks the key in the same statement.
API_KEY_CACHE_SECONDS = env.int("API_KEY_CACHE_SECONDS", default=60)
API_LAST_USED_PRECISION_SECONDS = env.int("API_LAST_USED_PRECISION_SECONDS", default=60)
# Six years: a case review or claim can look back that far (Limitation Act 1980).
API_DECISION_LOG_RETENTION_DAYS = env.int("API_DECISION_LOG_RETENTION_DAYS", default=6 * 366)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=10)

# Issue 9: change events for date-driven eligibility changes; the decision log's retention.
CELERY_BEAT_SCHEDULE |= {
    # After midnight in London: due dates that passed yesterday change today's answers.
    "eligibility-changes-daily": {
        "task": "integrations.tasks.eligibility_changes_daily",
        "schedule": crontab(hour=0, minute=20),
    },
    "decision-log-prune": {
        "task": "integrations.tasks.decision_log_prune",
        "schedule": crontab(hour=3, minute=10),
    },
}
# Issue 15: derived state follows every write (compliance/changes.py). The worker applies
# what the database triggers recorded every few seconds; a page reading derived figures
# applies them itself when at most CHANGES_READER_LIMIT colleagues wait, and otherwise
# says what is still being worked out. /readyz reports changes older than CHANGES_STALE_SECONDS.
CHANGES_DRAIN_SECONDS = env.float("CHANGES_DRAIN_SECONDS", default=2.0)
CHANGES_READER_LIMIT = env.int("CHANGES_READER_LIMIT", default=200)
CHANGES_STALE_SECONDS = env.int("CHANGES_STALE_SECONDS", default=300)
# Above this many colleagues changed at once, the summary is rebuilt whole (cheaper than a refresh).
SUMMARY_REBUILD_ABOVE_COLLEAGUES = env.int("SUMMARY_REBUILD_ABOVE_COLLEAGUES", default=5000)
CELERY_BEAT_SCHEDULE["compliance-changes-apply"] = {
    "task": "compliance.tasks.changes_apply",
    "schedule": CHANGES_DRAIN_SECONDS,
}
# Reminders: a stage missed (worker down, date newly known) is still sent this many days late, no later.
REMINDERS_CATCH_UP_DAYS = env.int("REMINDERS_CATCH_UP_DAYS", default=3)

# Bulk imports (imports/): caps on one file, and the size above which the web pages
# hand the file to the worker and show a progress bar.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=200_000)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=25_000_000)
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=2_000)
IMPORT_PREVIEW_ROWS = env.int("IMPORT_PREVIEW_ROWS", default=2_000)
# Issue 4: the dashboard's summary and the day's trend snapshot, just after midnight so "today"
# has turned over (and before the eligibility change events at 00:20: both run the engine for everyone).
CELERY_BEAT_SCHEDULE["dashboard-summary-nightly"] = {
    "task": "dashboard.tasks.summary_nightly",
    "schedule": crontab(hour=0, minute=5),
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SESSION_COOKIE_HTTPONLY = True
# Sessions end after SESSION_IDLE_MINUTES without a request (staff data on shared desks).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_SAVE_EVERY_REQUEST = True
X_FRAME_OPTIONS = "DENY"
# Content Security Policy: every script, style, font and image comes from this site (no CDN,
# no inline script), so injected markup cannot run. django-csp on Django 5.2 LTS; Django 6's
# own SECURE_CSP takes the same directives when we move.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# LOG_FORMAT=json writes one JSON object per line (for a log shipper); every line carries
# the request id, which also follows the request into the tasks it enqueues.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"celery": {"level": "INFO"}, "tasks": {"level": "INFO"}},
}
