"""Settings read from the environment (django-environ); a `.env` file is optional.

Development: DEBUG=true and nothing else. Production: see `.env.example` and the README.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only"
elif not DEBUG:
    # A copied .env.example or a guessable key would let anyone forge sessions and reset links.
    _folded = "".join(ch for ch in SECRET_KEY.lower() if ch.isalnum())
    if "changeme" in _folded or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY is a placeholder (from .env.example or the development default); generate one: "
            'python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    if len(SECRET_KEY) < 32 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "SECRET_KEY must be a long random value: at least 32 characters, at least 5 different ones."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "axes",
    "csp",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "core",
    "jobs",
    "kdkmp",
    "accounts",
    "cooperatives",
    "imports",
    "assistants",
    "dashboards",
    "trends",
    "trainings",
    "reports",
    "demo",
]

MIDDLEWARE = [
    # The load balancer's /health/ is answered here, before the host check and the HTTPS redirect.
    "core.middleware.HealthCheckMiddleware",
    # One structured record per request (kdkmp.request), the load balancer's checks excepted.
    "core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages go out gzipped (the dashboard: 28 KB of HTML, 4 KB compressed), for slow links.
    # BREACH: Django's GZipMiddleware pads each response with random bytes ("Heal The Breach",
    # Django 4.2+) and the CSRF token is masked per response; static files come precompressed.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.IndonesianByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RefuseNullBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Page edits are recorded in the history with the logged-in user as author.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kdkmp.urls"
WSGI_APPLICATION = "kdkmp.wsgi.application"

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
                "kdkmp.context_processors.roles",
            ],
        },
    },
]

# SQLite is the embedded default; PostgreSQL in production through DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN,
    # so concurrent writers wait (up to `timeout`) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    # A kept connection that PostgreSQL dropped meanwhile (restart, pg_terminate_backend, idle
    # timeout) is found at the first query of a request and replaced, instead of failing it.
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # The dashboard's national aggregates sort ~84,000 rows: PostgreSQL's default 4 MB of
    # work_mem spills that sort to disk.
    _options = [f"-c work_mem={env('PG_WORK_MEM', default='16MB')}"]
    # PostgreSQL's JIT compiles any statement it estimates as costly, and the app's aggregates over
    # ~84,000 cooperatives are estimated so: compiling took 140 of the field-work card's 176 ms and
    # 17 s of a 35 s import chunk, for statements that run in milliseconds without it.
    if not env.bool("PG_JIT", default=False):
        _options.append("-c jit=off")
    # No limit by default: manage.py commands share these settings, and migrations, the national
    # import_roster and seed_scale may legitimately run long statements. gunicorn.conf.py sets 30 s
    # for the served app, so a request never waits on one statement for longer than that.
    if _statement_timeout := env.int("DB_STATEMENT_TIMEOUT", default=0):
        _options.append(f"-c statement_timeout={_statement_timeout}s")
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", " ".join(_options))
    # A database that never answers fails the request in seconds (a maintenance page) instead of
    # leaving it hanging until the proxy gives up.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
    # Behind PgBouncer in transaction pooling, server-side cursors (the streaming exports'
    # queryset.iterator) cannot live across statements: set this, and the iterator then fetches
    # the whole result at once (the national export's memory is no longer bounded). Better: let
    # the workers, which run the large exports, connect to PostgreSQL directly or in session mode.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool("DB_DISABLE_SERVER_SIDE_CURSORS", default=False)

# Two caches. "default": this process's memory, for figures that may differ per process for a
# few minutes (list counts, coverage rows). "shared": one for every app server, in the database by
# default (a table made by a migration; SHARED_CACHE_URL may name Redis instead), for the
# dashboard's figures and the lock that lets one reader of all servers recompute them (decision 0006).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": env.cache("SHARED_CACHE_URL", default="dbcache://kdkmp_shared_cache"),
}
CACHES["shared"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 5000)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # Counts failed logins per username and address and refuses them during the cool-off.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
# A cool-off, never a permanent lockout: nobody can lock a colleague out for good.
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind the TLS proxy every connection comes from the proxy: the lockout takes the client from
# X-Forwarded-For, but only on connections from these addresses or networks (a client reaching the
# app directly could write any address there). Empty: no proxy, the header is ignored.
KDKMP_TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in KDKMP_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network.") from None
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"

# Sessions end after a working day, and on password change (Django's session auth hash).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Bahasa Indonesia by default, English selectable.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["core.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded and produced files (evidence photos, import uploads, job results) go through Django's
# storage API: MEDIA_ROOT on this machine by default; several app servers and workers need one
# shared store: an S3-compatible bucket (django-storages) or a shared volume (docs/deployment.md).
STORAGES = {
    "default": {
        "BACKEND": env("FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"),
        "OPTIONS": env.json("FILE_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Tables scroll inside their box on a phone, never the page (360 px).
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

# Deployment hardening, switched on from the environment (see .env.example).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not KDKMP_TRUSTED_PROXIES:
        # Else every login would count against the proxy's address: five wrong passwords from
        # anywhere would lock a username out for everyone.
        raise ImproperlyConfigured("BEHIND_PROXY needs TRUSTED_PROXIES: the proxy's address(es), e.g. 127.0.0.1.")

# Content-Security-Policy: everything from this site only, no inline scripts anywhere
# (pages and the admin work under it). data: images are Bootstrap's inline SVG icons.
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

# Logs go to stderr; LOG_FORMAT=json writes one JSON object per line (python-json-logger), with
# the request fields of core.middleware.RequestLogMiddleware as keys, for a log store to query.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# Domain settings.
KDKMP_BA_CAPACITY = env.int("KDKMP_BA_CAPACITY", default=10)
KDKMP_PAGE_SIZE = env.int("KDKMP_PAGE_SIZE", default=25)
# The cooperative list counts exactly up to this many rows; beyond it the count is cached this
# long and the page says "sekitar" (docs/national-list.md).
KDKMP_LIST_EXACT_COUNT_LIMIT = env.int("KDKMP_LIST_EXACT_COUNT_LIMIT", default=10_000)
KDKMP_LIST_COUNT_CACHE_SECONDS = env.int("KDKMP_LIST_COUNT_CACHE_SECONDS", default=300)
# A BA's monthly report is due on this day of the next month; submitted later, it is marked late.
KDKMP_REPORT_DUE_DAY = env.int("KDKMP_REPORT_DUE_DAY", default=5)
# Evidence photos in reports: the largest upload accepted (it is then shrunk to ~1280 px JPEG),
# and where the files live (served only through the report's scoped page, never as public media).
KDKMP_PHOTO_MAX_BYTES = env.int("KDKMP_PHOTO_MAX_BYTES", default=10_000_000)
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
# Dashboard figures are kept this long, keyed on the newest change records and row ids (so any
# change made in the app shows at once); 0 turns the cache off. This only bounds how long raw SQL
# updates can go unseen.
KDKMP_DASHBOARD_CACHE_SECONDS = env.int("KDKMP_DASHBOARD_CACHE_SECONDS", default=600)
# While one reader recomputes changed figures, others are shown the previous ones ("data per
# 14.05") if computed at most this long ago; older, they compute their own (decision 0006).
KDKMP_DASHBOARD_STALE_SECONDS = env.int("KDKMP_DASHBOARD_STALE_SECONDS", default=30)
# Figures computed less than this long ago are not recomputed after a change, only shown stamped
# "data per 14.05.03" (a quiet office, whose last computation is older, sees its change on its
# next view, or at once when the computation is in time, below; under steady writes this bounds
# the recomputations to one per this period for all servers).
KDKMP_DASHBOARD_REFRESH_SECONDS = env.int("KDKMP_DASHBOARD_REFRESH_SECONDS", default=5)
# The first reader after a change recomputes in a background thread and waits this long for it;
# not in time (the nation's figures take ~0.25 s), it is shown the previous ones, stamped. Per
# set of figures: the dashboard shows two (its own and the field-work card's).
KDKMP_DASHBOARD_RECOMPUTE_IN_BACKGROUND = env.bool("KDKMP_DASHBOARD_RECOMPUTE_IN_BACKGROUND", default=True)
KDKMP_DASHBOARD_WAIT_SECONDS = env.float("KDKMP_DASHBOARD_WAIT_SECONDS", default=0.15)
# Spreadsheet imports: refused above these sizes (an xlsx also on its declared unzipped size).
# The app must take back its own exports: the national cooperative list is about 245 bytes a row
# as csv (20 MB for 83,762 villages; the widest demo row, 432 bytes, would make 36 MB) and 134 as
# xlsx (11 MB, ~100 MB unzipped). MAX_BYTES is the largest upload of any kind (a csv), the xlsx
# bound is lower since its bytes are compressed; memory is bounded by the cell limit either way.
KDKMP_IMPORT_MAX_BYTES = env.int("KDKMP_IMPORT_MAX_BYTES", default=48 * 1024 * 1024)
KDKMP_IMPORT_MAX_XLSX_BYTES = env.int("KDKMP_IMPORT_MAX_XLSX_BYTES", default=24 * 1024 * 1024)
KDKMP_IMPORT_MAX_ROWS = env.int("KDKMP_IMPORT_MAX_ROWS", default=100_000)
KDKMP_IMPORT_MAX_UNZIPPED_BYTES = env.int("KDKMP_IMPORT_MAX_UNZIPPED_BYTES", default=300 * 1024 * 1024)
# Uploads larger than this are checked and written by a background worker while the page shows
# progress (about 4,000 csv rows); smaller ones inside the request.
KDKMP_IMPORT_BACKGROUND_BYTES = env.int("KDKMP_IMPORT_BACKGROUND_BYTES", default=1024 * 1024)
# List exports of more rows than this are written by a background worker (a job page with
# progress, then the download); smaller ones are downloaded at once.
KDKMP_EXPORT_BACKGROUND_ROWS = env.int("KDKMP_EXPORT_BACKGROUND_ROWS", default=5000)
DATA_UPLOAD_MAX_MEMORY_SIZE = KDKMP_IMPORT_MAX_BYTES + 1024 * 1024
# django-import-export: imports go through imports.services (logged in ImportLog), so the admin
# writes no LogEntry per row.
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
# The history pages only show versions: reverting would write an old row past the services that
# keep the rules (kdkmp/admin_urls.py refuses the POST; this hides the button).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Background jobs (jobs app): django-tasks' database backend, run by `manage.py db_worker` on any
# number of machines; they take work through the database (SELECT ... SKIP LOCKED on PostgreSQL).
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# A running job whose worker has sent no heartbeat for this long is shown as failed (its worker
# died; its transaction was rolled back). Workers beat every 10 s.
KDKMP_JOB_STALE_SECONDS = env.int("KDKMP_JOB_STALE_SECONDS", default=120)
# A queued job no worker has taken for this long is failed, saying so (no worker runs, or the
# queue is far behind): the user is told to try again instead of watching "waiting" for ever.
KDKMP_JOB_QUEUE_SECONDS = env.int("KDKMP_JOB_QUEUE_SECONDS", default=1800)
# Finished jobs, their uploads and their result files are kept this long, then removed (at the
# next job, and by `manage.py clean_jobs`).
KDKMP_JOB_KEEP_HOURS = env.int("KDKMP_JOB_KEEP_HOURS", default=24)
