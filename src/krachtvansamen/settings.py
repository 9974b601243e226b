"""One settings file, read from the environment.

Defaults give a working single-machine set-up: SQLite under ``KVS_DATA_DIR`` (``./var``).
``DATABASE_URL`` switches to any database Django supports (PostgreSQL for real deployments).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.management.utils import get_random_secret_key
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


def installation_secret_key(data_dir: Path) -> str:
    """The key of this installation: ``KVS_SECRET_KEY``, or else a random key made at the first start and
    kept in ``KVS_DATA_DIR/secret_key`` (mode 0600), so sessions and password-reset links survive a restart.
    Never a key that is written in the source."""
    from_env = os.environ.get("KVS_SECRET_KEY", "").strip()
    if from_env:
        return from_env
    key_file = data_dir / "secret_key"
    try:
        key = key_file.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    data_dir.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key()
    try:
        # O_EXCL: when two processes start at once, one writes and the other reads what it wrote.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text(encoding="utf-8").strip() or key
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


SECRET_KEY = installation_secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("KVS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("KVS_CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "krachtvansamen.core.views.csrf_failure"

# Production in one switch: KVS_HTTPS=1 behind a TLS proxy that sets X-Forwarded-Proto. The separate
# variables below still override single parts.
HTTPS = env_bool("KVS_HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("KVS_SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("KVS_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("KVS_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers check /gezond/ over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^gezond/$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Idle timeout: a session ends after KVS_SESSION_IDLE_MINUTES without a request (core.security refreshes it
# while someone works, at most once a minute, so a page view is not a database write).
SESSION_COOKIE_AGE = int(os.environ.get("KVS_SESSION_IDLE_MINUTES", "60")) * 60

# One cache for every process and machine of an installation (`kvs serve --workers N`): throttles and rate limits
# count in it. Redis when KVS_REDIS_URL names a server (redis://host:6379/0), else a table in the database that
# `kvs migrate` makes (core.cache). The test suite keeps it in memory (tests/conftest.py).
REDIS_URL = os.environ.get("KVS_REDIS_URL", "").strip()


def cache_settings(redis_url: str) -> dict[str, dict[str, object]]:
    if redis_url:
        # A Redis that does not answer fails the request within seconds instead of hanging it.
        options = {"socket_connect_timeout": 5, "socket_timeout": 5}
        # "reports": the cached reports (reports.report_cache) under a prefix of their own, emptied on an erasure.
        return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url,
                            "KEY_PREFIX": "kvs", "OPTIONS": options},
                "reports": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url,
                            "KEY_PREFIX": "kvs-report", "OPTIONS": options}}  # fmt: skip
    # MAX_ENTRIES: Django's 300 would let a flood of new addresses push the throttles' counters out. The reports
    # get a table of their own: once full a table is culled in key order, and reports must not cull throttles.
    return {"default": {"BACKEND": "krachtvansamen.core.cache.DatabaseCache", "LOCATION": "kvs_cache",
                        "OPTIONS": {"MAX_ENTRIES": 20000}},
            "reports": {"BACKEND": "krachtvansamen.core.cache.DatabaseCache", "LOCATION": "kvs_report_cache",
                        "OPTIONS": {"MAX_ENTRIES": 5000}}}  # fmt: skip


CACHES = cache_settings(REDIS_URL)
# Sessions are rows in the database, which every process shares; with Redis they are read from the cache first.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)

# Background jobs (krachtvansamen.jobs): with KVS_REDIS_URL, Celery workers (`kvs worker`) run them, Redis being
# the broker; without it, KVS_JOB_THREADS threads inside the web process do, so the demo needs no Redis.
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True  # the job row keeps the outcome
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # long jobs: a worker takes the next only when it is free
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-job hands it back
KVS_JOB_THREADS = int(os.environ.get("KVS_JOB_THREADS", "2"))
# Days a job's result file (a PDF, an export) is kept; it may hold personal data and can be made again.
KVS_JOB_RESULT_DAYS = int(os.environ.get("KVS_JOB_RESULT_DAYS", "7"))

# Content-Security-Policy of every page (core.security.SecurityHeadersMiddleware): scripts only from our own
# static files, never inline. Styles allow inline because the charts set widths and sizes in style attributes
# and the SVG network pictures carry their own <style>.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "krachtvansamen.core",
    "krachtvansamen.jobs",
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
    "krachtvansamen.fieldwork",
    "krachtvansamen.reports",
    "krachtvansamen.web",
    "krachtvansamen.demo",
    "krachtvansamen.api",
    # Its templates and static files: the API docs page serves Swagger UI from our own static files, no CDN.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "krachtvansamen.core.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "krachtvansamen.core.security.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: who opened which page with personal data, or which report.
    "krachtvansamen.privacy.middleware.AccessLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out log-in into the Dutch lock-out page.
    "axes.middleware.AxesMiddleware",
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
AUTHENTICATION_BACKENDS = [
    # First: refuses a log-in while its account+address or address is locked out (ASVS 2.2.1).
    "krachtvansamen.core.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Log-in throttling (django-axes). Locked for AXES_COOLOFF_TIME after KVS_LOGIN_FAILURES wrong passwords for one
# user name from one address, or KVS_LOGIN_FAILURES_PER_ADDRESS wrong passwords from one address for any user
# names (core.security.LoginThrottleHandler). The same user name from another address is not locked, so
# nobody can lock a colleague out from afar. Unknown user names count the same: the lock-out does not reveal
# whether an account exists. A `kvs` admin unlocks with `kvs axes_reset_username NAME` or `kvs axes_reset`.
AXES_HANDLER = "krachtvansamen.core.security.LoginThrottleHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("KVS_LOGIN_FAILURES", "5"))
KVS_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("KVS_LOGIN_FAILURES_PER_ADDRESS", "20"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KVS_LOGIN_COOLOFF_MINUTES", "15")))
# A wrong password while locked out does not restart the wait: the page can say how long to wait.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "krachtvansamen.core.views.locked_out"
# No log of every successful log-in with address and browser (personal data we do not need).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Behind KVS_PROXY_COUNT reverse proxies the client's address is in X-Forwarded-For, each proxy having added
# the address it saw (core.security.client_address).
PROXY_COUNT = int(os.environ.get("KVS_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "krachtvansamen.core.security.client_address"

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

# E-mail (password reset): printed on the console unless KVS_EMAIL_HOST names an SMTP server.
EMAIL_HOST = os.environ.get("KVS_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("KVS_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("KVS_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("KVS_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_SSL = env_bool("KVS_EMAIL_USE_SSL", False)
    EMAIL_USE_TLS = env_bool("KVS_EMAIL_USE_TLS", not EMAIL_USE_SSL)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("KVS_DEFAULT_FROM_EMAIL", "Kracht van Samen <noreply@localhost>")
# `kvs remind` e-mails the holders of fieldwork due within this many days (and of overdue fieldwork).
FIELDWORK_REMIND_DAYS = int(os.environ.get("KVS_REMIND_DAYS", "14"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A password-reset link works for one hour.
PASSWORD_RESET_TIMEOUT = 60 * 60

# Effectenplein: days after a meeting closed before its raw stories, nicknames and votes are removed by
# `kvs retention` (the fragments made from kept stories stay). 0 keeps them forever.
EFFECTENPLEIN_RETENTION_DAYS = int(os.environ.get("KVS_RETENTION_PLEIN_DAYS", "180"))

# The access log (privacy.middleware): which pages hold personal data or are reports, by path prefix.
ACCESS_LOG_PREFIXES = [
    ("/rapporten/", "report"),
    ("/buurten/", "personal"),
    ("/coderen/", "personal"),
    ("/codeboek/", "personal"),
    ("/instrumenten/antwoorden/", "personal"),
    ("/instrumenten/praatplaat/", "personal"),
    ("/documenten/", "personal"),
    ("/plein/bijeenkomst/", "personal"),
    ("/beheer/", "personal"),
    ("/api/fragments", "personal"),
    ("/api/codings", "personal"),
    ("/api/persons", "personal"),
    ("/api/assets", "personal"),
    ("/api/activities", "personal"),
    ("/api/relations", "personal"),
    ("/api/instrument-answers", "personal"),
    ("/api/reports/", "report"),
]
# Days the access log is kept before `kvs retention` removes older entries.
ACCESS_LOG_RETENTION_DAYS = int(os.environ.get("KVS_RETENTION_ACCESS_LOG_DAYS", "365"))

# The JSON API (krachtvansamen.api): at most this many rows per page (?limit=).
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
