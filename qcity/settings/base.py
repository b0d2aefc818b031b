"""Settings shared by every mode. Everything deployment-specific comes from environment variables."""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("QCITY_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file and uploads live here


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",  # hashed API tokens; the model is core.ApiToken (KNOX_TOKEN_MODEL below)
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "axes",
    "csp",
    "qcity.core",
    "qcity.enterprises",
    "qcity.indicators",
    "qcity.workplan",
    "qcity.assessment",
    "qcity.credit",
    "qcity.inspections",
    "qcity.sampling",
    "qcity.complaints",
    "qcity.trace",
    "qcity.reports",
    "qcity.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qcity.core.middleware.SessionRefreshMiddleware",
    "qcity.core.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "qcity.core.middleware.RequestContextMiddleware",
    "qcity.core.request_guard.RequestGuardMiddleware",
    "qcity.core.middleware.PasswordChangeRequiredMiddleware",
    "axes.middleware.AxesMiddleware",
    "qcity.core.idempotency.IdempotencyMiddleware",  # after auth, CSRF and messages: see its docstring
]

ROOT_URLCONF = "qcity.urls"
WSGI_APPLICATION = "qcity.wsgi.application"
ASGI_APPLICATION = "qcity.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "qcity" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qcity.core.context_processors.navigation",
                "qcity.core.context_processors.notification_badge",
            ],
            "builtins": ["qcity.core.templatetags.form_tokens"],  # {% form_token %} in every POST form
        },
    },
]

FORM_RENDERER = "qcity.core.forms.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qcity.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE avoids lock upgrades deadlocking. Connections
    # persist like PostgreSQL's (DB_CONN_MAX_AGE): a new one reads the schema again, 2–3 ms of every page.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the grams index's function has a high declared cost, so on a province's register the planner
    # compiled pages' queries (0.3 s each) for plans that run in milliseconds; the nightly classification
    # turns it on for its own pass. work_mem 32 MB: a search term whose grams are common (123,638 initials
    # hold "xxx") made a bitmap of more rows than the default 4 MB holds exactly, and every row of its lossy
    # pages was tested with the grams function again (the page: 15 s against 1.5 s). Behind PgBouncer, set
    # both on the role instead (ALTER ROLE … SET), as startup options do not pass through it.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"-c jit=off -c work_mem=32MB {options.get('options', '')}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "qcity.core.authentication.RoleModelBackend",  # core.authentication.SESSION_BACKEND
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "qcity.core.passwords.CharacterClassValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout: 5 failures for one username from one address lock it for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The lockout and the audit log agree on one client address (see qcity/core/client_address.py).
AXES_CLIENT_IP_CALLABLE = "qcity.core.client_address.client_ip"
# Besides user + address: this many failures for one username from any addresses within the cool-off
# lock the username itself, until the cool-off ends or the security administrator unlocks it.
AXES_HANDLER = "qcity.core.login_lockout.LoginLockoutHandler"
QCITY_LOGIN_USERNAME_CEILING = int(os.environ.get("QCITY_LOGIN_USERNAME_CEILING", "50"))
# Reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For / X-Real-IP are believed; none by default.
QCITY_TRUSTED_PROXIES = env_list("QCITY_TRUSTED_PROXIES", "")
for _proxy in QCITY_TRUSTED_PROXIES:  # a typo stops the start instead of failing every request
    ipaddress.ip_network(_proxy, strict=False)

# Content-Security-Policy (django-csp 4) in every mode: no inline script or style, no plugins, no framing.
# The API documentation pages relax it for themselves only (qcity/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Session timeout: 30 minutes of inactivity, and closed with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_TIMEOUT_SECONDS", "1800"))
# the idle timeout renews the expiry at most once a minute (core.middleware.SessionRefreshMiddleware)
# instead of writing the session row on every request
SESSION_SAVE_EVERY_REQUEST = False
QCITY_SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]  # i18n-ignore: each language in its own name (the switcher)
LOCALE_PATHS = [BASE_DIR / "qcity" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it even before collectstatic
STATICFILES_DIRS = [BASE_DIR / "qcity" / "static"]
# Uploads live outside STATIC_ROOT and are never served by URL (not even with DEBUG, nor by a proxy): only
# by views that check the owning object's scope (qcity/core/downloads.py).
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: the enterprise xlsx import accepts files up to this size; larger ones get a 400.
QCITY_MAX_UPLOAD_BYTES = int(os.environ.get("QCITY_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
# Zip-based uploads (xlsx, docx) are refused before parsing when they unpack to more than this, hold more
# members, or a member is compressed more than RATIO:1 (qcity/core/uploads.py).
QCITY_UPLOAD_MAX_UNPACKED_BYTES = int(os.environ.get("QCITY_UPLOAD_MAX_UNPACKED_BYTES", str(200 * 1024 * 1024)))
QCITY_UPLOAD_MAX_ZIP_MEMBERS = int(os.environ.get("QCITY_UPLOAD_MAX_ZIP_MEMBERS", "10000"))
QCITY_UPLOAD_MAX_COMPRESSION_RATIO = int(os.environ.get("QCITY_UPLOAD_MAX_COMPRESSION_RATIO", "100"))
# Spreadsheets that unpack to more than this are parsed in a child process whose address space is capped,
# so one file cannot take the worker down (qcity/core/sheets.py).
QCITY_IMPORT_INPROCESS_BYTES = int(os.environ.get("QCITY_IMPORT_INPROCESS_BYTES", str(8 * 1024 * 1024)))
QCITY_IMPORT_MEMORY_LIMIT_BYTES = int(os.environ.get("QCITY_IMPORT_MEMORY_LIMIT_BYTES", str(1536 * 1024 * 1024)))
QCITY_IMPORT_TIMEOUT_SECONDS = int(os.environ.get("QCITY_IMPORT_TIMEOUT_SECONDS", "600"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # `Authorization: Token <key>`: hashed knox tokens with expiry, scope, last use (qcity/core/authentication.py)
        "qcity.core.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Only service accounts are throttled, each at its own rate; people and the fuzz run are not.
    "DEFAULT_THROTTLE_CLASSES": ["qcity.core.authentication.ServiceAccountRateThrottle"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "qcity.core.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    # JSON nested deeper than 32 levels and NUL characters are a 400, not a 500 (qcity/core/parsers.py)
    "DEFAULT_PARSER_CLASSES": [
        "qcity.core.parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "qcity.core.parsers.NulCheckingMultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "qcity.core.api.schema.AutoSchema",  # documents the Idempotency-Key header
    "EXCEPTION_HANDLER": "qcity.core.api.exception_handler",
}

# API tokens (django-rest-knox 5): our model core.ApiToken adds a name and the last use; knox's own AuthToken is
# swapped out, so its migrations (which would create an unused table) are switched off.
KNOX_TOKEN_MODEL = "core.ApiToken"
REST_KNOX = {
    "TOKEN_TTL": None,  # each token gets its own expiry (30/90/365 days), set by qcity.core.api_tokens
    "AUTH_HEADER_PREFIX": "Token",
}
MIGRATION_MODULES = {"knox": None}


def _enum_name_overrides() -> dict[str, str]:
    # lazy: imported when the schema is built: the settings load before the apps they walk.
    from qcity.core.api.schema import enum_name_overrides

    return enum_name_overrides()


SPECTACULAR_SETTINGS = {
    "TITLE": "qcity API",
    "DESCRIPTION": (
        "REST API of the qcity quality-strong-city platform.\n\n"
        "This schema (`/api/schema/`, browsable at `/api/docs/`) is readable by every logged-in user, with a "
        "token or a session; what each role may call is stated per operation.\n\n"
        "Authentication: create a personal token on `/accounts/api-tokens/` (a name and an expiry of 30, 90 or "
        "365 days; the key is shown once), or ask the system administrator for a service account "
        "(`/core/service-accounts/`), whose tokens may call only the endpoints listed for it, at its own rate "
        "(over it: 429 with Retry-After). Send the key on every call as `Authorization: Token <key>`, e.g. "
        "`curl -H 'Authorization: Token <key>' https://<host>/api/org-units/`. An unknown, expired or revoked "
        "token is a 401; a service-account token outside its endpoints is a 403 (and audited). Tokens are "
        "created and revoked from a logged-in session only (`api-tokens/` refuses a create made with a token); "
        "changing or resetting the password revokes all of a user's tokens.\n\n"
        "Input limits (a 400 naming the field, never a 500): years 1900–2100; dates 1900-01-01 to 2100-12-31; "
        "ids 1 to 2^63-1; counts within 32 bits; decimals that would round to 0 are refused; full-width digits "
        "are read after NFKC normalisation; names and codes may not contain bidi-override, zero-width or "
        "control characters; JSON bodies may nest at most 32 levels; page numbers past the last page are a 404."
    ),
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # `<ClassName>Enum` for every choices class, generated (qcity.core.api.schema.enum_name_overrides).
    "ENUM_NAME_OVERRIDES": lazy(_enum_name_overrides, dict)(),
}

REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without a broker the jobs run in-process, so `make run` needs nothing but Python.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "holiday-calendar-coverage": {
        "task": "qcity.core.tasks.check_holiday_calendar_coverage",
        "schedule": timedelta(days=1),
    },
    "workplan-supervise": {  # open and escalate supervision (督办) of overdue tasks
        "task": "qcity.workplan.tasks.plan_tasks_supervise_task",
        "schedule": timedelta(days=1),
    },
    "credit-lists-maintain": {  # escalate abnormal listings after 3 years, remove expired list entries
        "task": "qcity.credit.tasks.credit_lists_maintain_task",
        "schedule": timedelta(days=1),
    },
    "sessions-clear-expired": {  # delete expired sessions (Django's clearsessions)
        "task": "qcity.core.tasks.sessions_clear_expired_task",
        "schedule": crontab(hour=2, minute=30),
    },
    "idempotency-purge": {  # forget Idempotency-Keys and form tokens older than 24 hours
        "task": "qcity.core.tasks.idempotency_records_purge_task",
        "schedule": timedelta(hours=1),
    },
    "credit-reclassify": {  # credit risk classification of every enterprise (DOMAIN §3)
        "task": "qcity.credit.tasks.credit_reclassify_task",
        "schedule": timedelta(days=1),
    },
    "deadline-reminders": {  # messages 3 working days before a deadline and the day after it passed
        "task": "qcity.core.tasks.deadline_reminders_send_task",
        "schedule": crontab(hour=7, minute=30),
    },
    "complaints-anonymise": {  # blank the personal data of complaints finished before the retention period
        "task": "qcity.complaints.tasks.complaints_anonymise_task",
        "schedule": crontab(hour=3, minute=15),
    },
    "complaint-settlements-lapse": {  # direct settlements past their window go back to the regulator
        "task": "qcity.complaints.tasks.settlements_lapse_task",
        "schedule": crontab(hour=0, minute=20),
    },
    "complaints-overdue-escalate": {  # escalate open complaints past a deadline, tell the officers per unit
        "task": "qcity.complaints.tasks.complaints_overdue_escalate_task",
        "schedule": crontab(hour=0, minute=40),
    },
    "notification-deliveries-retry": {  # e-mail/SMS deliveries left pending by a failed eager send
        "task": "qcity.core.tasks.notification_deliveries_retry_task",
        "schedule": timedelta(minutes=15),
    },
    "trace-event-partitions": {  # PostgreSQL: the event store's monthly partitions, three months ahead
        "task": "qcity.trace.tasks.event_partitions_create_task",
        "schedule": crontab(hour=1, minute=10),
    },
}

# Notifications (qcity.core.notifications): e-mail through Django's backends, SMTP when EMAIL_HOST is set,
# else printed on the console (the embedded set-up); SMS through qcity.core.sms (see its docstring).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend" if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))  # for the filebased backend
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "qcity@localhost")
# The site's address for the links in e-mails and SMS (https://qcity.example.gov.cn); empty: paths only.
QCITY_SITE_URL = os.environ.get("QCITY_SITE_URL", "").rstrip("/")
QCITY_SMS_BACKEND = os.environ.get("QCITY_SMS_BACKEND", "qcity.core.sms.ConsoleSmsBackend")
QCITY_SMS_FILE_PATH = Path(os.environ.get("QCITY_SMS_FILE_PATH", VAR_DIR / "sms"))
QCITY_SMS_GATEWAY_URL = os.environ.get("QCITY_SMS_GATEWAY_URL", "")
QCITY_SMS_GATEWAY_APP_ID = os.environ.get("QCITY_SMS_GATEWAY_APP_ID", "")
QCITY_SMS_GATEWAY_APP_SECRET = os.environ.get("QCITY_SMS_GATEWAY_APP_SECRET", "")
QCITY_SMS_GATEWAY_TIMEOUT = float(os.environ.get("QCITY_SMS_GATEWAY_TIMEOUT", "5"))
QCITY_SMS_SIGN = os.environ.get("QCITY_SMS_SIGN", "")  # the registered signature, shown as 【…】
# Tries of one e-mail/SMS delivery (the first and the retries) before it is recorded as failed.
QCITY_NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("QCITY_NOTIFICATION_MAX_ATTEMPTS", "6"))

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# With Redis (shared by every worker) a signed-in request reads its session there, one database round trip
# fewer per page; writes go to both. Without it the cache is each process's own (locmem): a session saved by
# one gunicorn worker would read stale in another, so the database alone holds them.
SESSION_ENGINE = "django.contrib.sessions.backends." + ("cached_db" if REDIS_URL else "db")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"level": "INFO", "propagate": True},  # to the root handler only: no double lines
        "django.db.backends": {"level": "WARNING"},
    },
}

QCITY_NAV_TITLE = _("质量强市")
# Days a finished complaint keeps the complainant's personal data before the nightly job anonymises it
# (qcity/complaints/services/retention.py; PIPL): 3 years, the limitation period of a consumer claim.
QCITY_COMPLAINT_RETENTION_DAYS = int(os.environ.get("QCITY_COMPLAINT_RETENTION_DAYS", "1095"))
# The menu's to-do badges are cached per user this many seconds (qcity/core/todos.py); 0: counted per page.
# EPCIS documents with more events than this are captured by a background job (the binding's capture job).
TRACE_CAPTURE_INLINE_EVENTS = int(os.environ.get("TRACE_CAPTURE_INLINE_EVENTS", "1000"))
QCITY_TODO_COUNT_SECONDS = int(os.environ.get("QCITY_TODO_COUNT_SECONDS", "60"))

# The public portal's header and footer (government website rules: the issuing authority, a contact, the ICP
# filing number and the government website code). The defaults are placeholders; a deployment sets the
# environment variables (README, Configuration).
QCITY_PORTAL = {
    "authority": os.environ.get("QCITY_PORTAL_AUTHORITY") or _("XX市市场监督管理局"),
    "contact": os.environ.get("QCITY_PORTAL_CONTACT") or _("（待配置）"),
    "icp": os.environ.get("QCITY_PORTAL_ICP") or _("（待配置）"),
    "site_code": os.environ.get("QCITY_PORTAL_SITE_CODE") or _("（待配置）"),
}
