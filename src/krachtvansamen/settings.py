"""One settings file, read from the environment.

Defaults give a working single-machine set-up: SQLite under ``KVS_DATA_DIR`` (``./var``).
``DATABASE_URL`` switches to any database Django supports (PostgreSQL for real deployments).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("KVS_DATA_DIR", "var")).resolve()

DEBUG = env_bool("KVS_DEBUG", False)
# A missing secret on a development machine gets a fixed insecure key; `kvs check --deploy`
# flags it, and production sets KVS_SECRET_KEY.
SECRET_KEY = os.environ.get("KVS_SECRET_KEY", "django-insecure-kracht-van-samen-development-only")
ALLOWED_HOSTS = env_list("KVS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("KVS_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "krachtvansamen.core.views.csrf_failure"

SECURE_SSL_REDIRECT = env_bool("KVS_SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("KVS_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("KVS_HSTS_SECONDS", "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "krachtvansamen.core",
    "krachtvansamen.framework",
    "krachtvansamen.neighbourhoods",
    "krachtvansamen.people",
    "krachtvansamen.privacy",
    "krachtvansamen.assets",
    "krachtvansamen.network",
    "krachtvansamen.coding",
    "krachtvansamen.assessments",
    "krachtvansamen.instruments",
    "krachtvansamen.effectenplein",
    "krachtvansamen.documents",
    "krachtvansamen.analysis",
    "krachtvansamen.reports",
    "krachtvansamen.web",
    "krachtvansamen.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "krachtvansamen.core.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "krachtvansamen.urls"
WSGI_APPLICATION = "krachtvansamen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "krachtvansamen.people.context_processors.current_role",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'krachtvansamen.sqlite3'}"),
        conn_max_age=int(os.environ.get("KVS_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the server read while an import writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Each waitress thread keeps its own connection (KVS_DB_CONN_MAX_AGE, as for PostgreSQL): opening one per
    # request, with its PRAGMAs, cost 3-4 ms of a 20 ms page (benchmarks/coding_vs_taguette.py).

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise warns at every start when the folder is missing; `kvs collectstatic` fills it for deployments.
try:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:  # a read-only data dir: static files are then served from the app folders
    pass
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders too, so `kvs serve` works before or without collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KVS_LOG_LEVEL", "WARNING")},
}

# Largest document (txt, docx, pdf) a person may upload, in MB.
KVS_MAX_UPLOAD_MB = float(os.environ.get("KVS_MAX_UPLOAD_MB", "10"))
