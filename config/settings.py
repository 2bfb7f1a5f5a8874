"""Fengcun settings: one module, driven by environment variables with safe defaults for `make run`."""
from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from kombu import Exchange, Queue
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FENGCUN_VAR_DIR", BASE_DIR / "var"))


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    """1/true/yes/on or 0/false/no/off (any case; empty is off); anything else stops start-up."""
    if name not in os.environ:
        return default
    value = os.environ[name].strip().lower()
    if value not in TRUE_WORDS | FALSE_WORDS:
        raise ImproperlyConfigured(f"{name}={os.environ[name]!r} is not a boolean: "
                                   "use 1/true/yes/on or 0/false/no/off.")
    return value in TRUE_WORDS


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, str(default)))
    except ValueError:
        raise ImproperlyConfigured(f"{name}={os.environ[name]!r} is not a whole number.") from None


# Off unless DEBUG is set to 1/true/yes/on: error pages then show no settings, locals or request data.
DEBUG = env_bool("DEBUG", False)
# A development run on a workstation (`make run` and the tests set FENGCUN_DEV=1, DEBUG=1 implies it):
# development keys stand in for missing ones, and the site is served over plain HTTP. Without it (production)
# the keys are required and HTTPS is enforced; see "Production safety" below and README.md.
DEVELOPMENT = DEBUG or env_bool("FENGCUN_DEV", False)
# Development fallbacks are used only in a development run; in production a missing or development key stops
# start-up (ImproperlyConfigured), and `check --deploy` flags them whatever the mode.
DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY if DEVELOPMENT else "")
LOCAL_HOSTS = "127.0.0.1,localhost,[::1],testserver"
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", LOCAL_HOSTS if DEVELOPMENT else "").split(",")
                 if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "common",
    "audit",
    "accounts",
    "sealing",
    "queries",
    "oversight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "common.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "common.faults.DatabaseUnavailableMiddleware",
    "accounts.middleware.SecurityPolicyMiddleware",  # session limits, second factor, password age
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The dev run has a web server, a worker and beat writing to one file.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
elif "postgresql" in DATABASES["default"]["ENGINE"]:
    # No JIT compilation: a page's queries are short, and compiling their plans cost more (20-60 ms) than it
    # saved once the tables held a province (bench/RESULTS.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# A read replica of the primary (PostgreSQL streaming replication): only the reads a page makes inside
# common.replica.reading_from_replica() go there (the supervision console's figures); every write and every other
# read stays on the primary (config/routers.py). Unset: one database, no router.
REPLICA_DATABASE_URL = os.environ.get("REPLICA_DATABASE_URL", "").strip()
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(REPLICA_DATABASE_URL,
                                                 conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")))
    DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out user name or address before any check
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_RAISE_403 = False

# Identity authentication (GB/T 22239-2019 level 3, 8.1.4.1): the numbers of the policy, each overridable from the
# environment. accounts/security.py reads them; README "Identity authentication" explains them.
FENGCUN_PASSWORD_MIN_LENGTH = int(os.environ.get("FENGCUN_PASSWORD_MIN_LENGTH", "10"))
FENGCUN_PASSWORD_MIN_CLASSES = int(os.environ.get("FENGCUN_PASSWORD_MIN_CLASSES", "3"))  # of lower, upper, digit, other
FENGCUN_PASSWORD_HISTORY = int(os.environ.get("FENGCUN_PASSWORD_HISTORY", "5"))  # last passwords not to reuse; 0: off
FENGCUN_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("FENGCUN_PASSWORD_MAX_AGE_DAYS", "90"))  # 0: passwords never expire
FENGCUN_2FA_REQUIRED = env_bool("FENGCUN_2FA_REQUIRED", True)
FENGCUN_2FA_ROLES = ["reviewer", "supervisor", "policy_admin", "auditor"]  # and every staff user / superuser
FENGCUN_SESSION_IDLE_MINUTES = int(os.environ.get("FENGCUN_SESSION_IDLE_MINUTES", "30"))
FENGCUN_SESSION_ABSOLUTE_HOURS = int(os.environ.get("FENGCUN_SESSION_ABSOLUTE_HOURS", "12"))  # 0: no absolute limit
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": FENGCUN_PASSWORD_MIN_LENGTH}},
    {"NAME": "accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": FENGCUN_PASSWORD_MIN_CLASSES}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.PasswordHistoryValidator", "OPTIONS": {"history": FENGCUN_PASSWORD_HISTORY}},
]

from datetime import timedelta  # noqa: E402

# Lockout (django-axes): a user name after AXES_FAILURE_LIMIT failures, an address after
# FENGCUN_LOCKOUT_ADDRESS_LIMIT (offices share one NAT address), both for AXES_COOLOFF_TIME after the last failure.
AXES_FAILURE_LIMIT = int(os.environ.get("FENGCUN_LOCKOUT_FAILURES", "5"))
FENGCUN_LOCKOUT_ADDRESS_LIMIT = int(os.environ.get("FENGCUN_LOCKOUT_ADDRESS_FAILURES", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("FENGCUN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.security.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
AXES_RESET_ON_SUCCESS = False  # a success from a shared address must not wipe the failures of other user names
# The address is REMOTE_ADDR: behind a reverse proxy, give axes the proxy's trusted header (AXES_CLIENT_IP_CALLABLE),
# or every user shares the proxy's address.
OTP_TOTP_ISSUER = "Fengcun"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a user's TOTP key or QR code

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# WhiteNoise serves the vendored assets straight from the source folders (static/ and the apps'), so
# `make run` works with DEBUG off and without collectstatic; a collected STATIC_ROOT is served too.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

# The audit trail is kept this many days (网络安全法 art. 21: at least six months; the purge refuses less
# than 180). The daily purge (audit.purge, scheduled by audit's migration 0003) deletes what is older.
FENGCUN_AUDIT_RETENTION_DAYS = int(os.environ.get("FENGCUN_AUDIT_RETENTION_DAYS", "180"))

# Uploads (application documents, undertakings, objections): the form validators read these two.
FENGCUN_UPLOAD_MAX_BYTES = int(os.environ.get("FENGCUN_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
FENGCUN_UPLOAD_TYPES = {  # content type -> accepted file name extensions
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
# An upload within the limit stays in memory (a sensitive document is never spooled to a temp file);
# the margin is for the multipart envelope and the form's other fields.
FILE_UPLOAD_MAX_MEMORY_SIZE = FENGCUN_UPLOAD_MAX_BYTES + 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)  # the non-file part of a request body
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Sensitive fields: MultiFernet over these keys (first one encrypts; all decrypt, so keys rotate).
DEV_FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZCE="
FIELD_ENCRYPTION_KEYS = [
    k.strip()
    for k in os.environ.get("FIELD_ENCRYPTION_KEYS", DEV_FIELD_ENCRYPTION_KEY if DEVELOPMENT else "").split(",")
    if k.strip()
]
# HMAC key of the blind index for ID numbers: separate from the Fernet keys so that rotating those keeps it.
DEV_BLIND_INDEX_KEY = "dev-only-blind-index-key"
BLIND_INDEX_KEY = os.environ.get("BLIND_INDEX_KEY", DEV_BLIND_INDEX_KEY if DEVELOPMENT else "")

# Celery: Redis when REDIS_URL is set; otherwise kombu's filesystem transport (several processes, no server).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    # Seconds before Redis hands an unacknowledged task (its worker died) to another worker; the sweep's
    # time limits stay below it (sealing/tasks.py). Abandoned tasks are looked for about every tenth of it.
    visibility_timeout = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
    restore_every = max(1, visibility_timeout // 10)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": visibility_timeout,
        "unacked_restore_interval": min(10, restore_every),
        "unacked_restore_throttle": max(1, restore_every // 10),
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = None
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "processed_folder": str(CELERY_DIR / "processed"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# One queue per kind of work, so that each kind gets its own workers (docs/deploy.md): the sweep's chunks can
# keep a host busy for an hour without holding back the scans, the purge or the heartbeat. Every task is named
# here (tests/test_settings_queues.py): beat sends them by name, and the routes apply to beat's sends too.
FENGCUN_TASK_QUEUES = {
    # bulk work on the case files: the sweep, and a large import file (hours of writes at most, never urgent)
    "sweep": ("sealing.sweep_files", "sealing.plan_sweep", "sealing.sweep_chunk", "sealing.resume_runs",
              "sealing.run_import"),
    "oversight": ("oversight.scan", "oversight.remind_and_escalate", "queries.flag_overdue"),
    "maintenance": ("audit.purge", "sealing.expire_permits", "common.heartbeat"),
}
# CELERY_QUEUE=q sends every task, of every kind, to the one queue q (and a worker started with it and -Q q keeps
# a whole sweep, its chunks included, on that queue): a test's worker, or a one-host installation that wants it.
FENGCUN_ONE_QUEUE = os.environ.get("CELERY_QUEUE", "").strip()
# The queue of a task no route names (none today; a new task before it is given a kind).
CELERY_TASK_DEFAULT_QUEUE = FENGCUN_ONE_QUEUE or "celery"
_queue_names = [FENGCUN_ONE_QUEUE] if FENGCUN_ONE_QUEUE else [CELERY_TASK_DEFAULT_QUEUE, *FENGCUN_TASK_QUEUES]
# A worker started without -Q consumes every one of these (`make run` does).
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in _queue_names]
CELERY_TASK_ROUTES = {} if FENGCUN_ONE_QUEUE else {
    task: {"queue": queue} for queue, tasks in FENGCUN_TASK_QUEUES.items() for task in tasks}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Sessions end after FENGCUN_SESSION_IDLE_MINUTES without a request (the cookie and the stored session too) and
# FENGCUN_SESSION_ABSOLUTE_HOURS after the login (accounts/middleware.py), and when the browser closes. The
# cookies' other flags are in "Production safety" below.
SESSION_COOKIE_AGE = FENGCUN_SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# ---- Production safety (issue 15, GB/T 22239-2019 level 3) ---------------------------------------------------
# Secure by default: with DEBUG off and no FENGCUN_DEV, the keys must be real and the site is HTTPS only.
# Each variable below relaxes one thing explicitly (README.md, "Production"); `check --deploy` names it.


def _require_production_keys() -> None:
    from cryptography.fernet import Fernet

    how = ("Set it in the environment (README.md, \"Production\"); for a development run on this machine "
           "set FENGCUN_DEV=1 (make run does).")
    for key in FIELD_ENCRYPTION_KEYS:  # a malformed key fails here, not at the first encrypted read
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key "
                                       "(32 url-safe base64-encoded bytes).") from None
    if DEVELOPMENT:
        return
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY:
        raise ImproperlyConfigured(f"SECRET_KEY is {'the development key' if SECRET_KEY else 'not set'}. {how}")
    if not FIELD_ENCRYPTION_KEYS or DEV_FIELD_ENCRYPTION_KEY in FIELD_ENCRYPTION_KEYS:
        state = "holds the development key" if FIELD_ENCRYPTION_KEYS else "is not set"
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS {state}. {how}")
    if not BLIND_INDEX_KEY or BLIND_INDEX_KEY == DEV_BLIND_INDEX_KEY:
        state = "is the development key" if BLIND_INDEX_KEY else "is not set"
        raise ImproperlyConfigured(f"BLIND_INDEX_KEY {state}. {how}")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(f"ALLOWED_HOSTS is not set (the host names the site answers to). {how}")


_require_production_keys()

HTTPS = not DEVELOPMENT
# TLS ends at the reverse proxy in front of gunicorn, which says so in this header; empty: no proxy header is
# trusted (TLS ends in this process, or a proxy that does not send it).
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto" if HTTPS else "").strip()
SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page (base.html), not from the cookie
# Origins a form may be posted from when they differ from the Host the proxy passes (scheme://host[:port]).
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
X_FRAME_OPTIONS = "DENY"

# Request ids on every log line (first), no cache of pages and documents, and the Content-Security-Policy:
# both below WhiteNoise, whose static files stay cacheable.
MIDDLEWARE.insert(0, "common.middleware.RequestIdMiddleware")
MIDDLEWARE[MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1:1] = [
    "common.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
]
# No inline script anywhere (static/js/ holds the handlers). Inline style *attributes* are allowed (progress
# bars and the console chart draw with computed widths), <style> elements are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],  # Bootstrap draws its form controls' icons as data: SVGs
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# ---- Logging: JSON lines (time, level, logger, message, request_id, user_id) ----------------------------------
# Django's default sends request errors to AdminEmailHandler, whose report carries the request (POST data,
# cookies, META) and frame locals; here a request error logs its message ("Internal Server Error: /path") and
# the traceback, never the body, the query string or the locals (common/logging.py).
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING").upper()
LOG_FILE = os.environ.get("LOG_FILE", "")  # also append the JSON lines to this file (logrotate-safe)
_log_handlers = ["console"] + (["file"] if LOG_FILE else [])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"strip_query_string": {"()": "common.logging.StripQueryString"}},
    "formatters": {"json": {"()": "common.logging.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["strip_query_string"]},
        **({"file": {"class": "logging.handlers.WatchedFileHandler", "filename": LOG_FILE, "formatter": "json",
                     "delay": True, "encoding": "utf-8"}} if LOG_FILE else {}),
    },
    "root": {"handlers": _log_handlers, "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": _log_handlers, "level": LOG_LEVEL, "propagate": False},
        # runserver's access lines (method, path without query string, status)
        "django.server": {"handlers": ["django.server"] + _log_handlers[1:], "level": "INFO", "propagate": False},
        "django.request": {"handlers": _log_handlers, "level": LOG_LEVEL, "propagate": False},
        "django.security": {"handlers": _log_handlers, "level": LOG_LEVEL, "propagate": False},
        # django-axes speaks at INFO at every start-up and login; a lockout is logged and audited by
        # accounts.signals: its warnings are enough (a command's stderr stays its own JSON error)
        "axes": {"handlers": _log_handlers, "level": "WARNING", "propagate": False},
    },
}
# The Celery worker keeps these handlers (JSON) instead of replacing the root logger's with its own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
