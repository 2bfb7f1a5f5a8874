"""Fengcun settings: one module, driven by environment variables with safe defaults for `make run`."""
from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FENGCUN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(int(default))).strip().lower() in {"1", "true", "yes", "on"}


# Off unless DEBUG is set to 1/true/yes/on: error pages then show no settings, locals or request data.
DEBUG = env_bool("DEBUG", False)
# Development fallbacks are used only when the variable is unset; `check --deploy` flags them.
DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",") if h]

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
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
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
    k.strip() for k in os.environ.get("FIELD_ENCRYPTION_KEYS", DEV_FIELD_ENCRYPTION_KEY).split(",") if k.strip()
]
# HMAC key of the blind index for ID numbers: separate from the Fernet keys so that rotating those keeps it.
DEV_BLIND_INDEX_KEY = "dev-only-blind-index-key"
BLIND_INDEX_KEY = os.environ.get("BLIND_INDEX_KEY", DEV_BLIND_INDEX_KEY)

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
# The queue tasks are sent to (the sweep's chunks too) when no route names one; a worker started with
# CELERY_QUEUE=q and -Q q keeps a whole sweep on its own queue.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)

# Plain console logging only. Django's default sends request errors to AdminEmailHandler, whose report
# carries the request (POST data, cookies, META) and frame locals; here a request error logs its message
# ("Internal Server Error: /path") and the traceback, never the body or the locals.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "django.server": {"()": "django.utils.log.ServerFormatter", "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # runserver's access lines (method, path, status), as Django's default configuration has them
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "django.security": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
    },
}
