"""Settings, all from the environment (see docs/settings.md).

SANWU_ENV=production turns on the deploy hardening that `sanwu check --deploy` asks for.
DATABASE_URL switches from the embedded SQLite file to PostgreSQL.
"""

import ipaddress
import os
import secrets
import tempfile
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SANWU_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

ENV = os.environ.get("SANWU_ENV", "development")
PRODUCTION = ENV == "production"


def _secret_key() -> str:
    """SANWU_SECRET_KEY, or a key generated on first run and kept in var/ (never committed)."""
    key = os.environ.get("SANWU_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        # Made whole under its own name, then linked: processes starting at once share one key.
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="secret_key.", suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(64))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("SANWU_DEBUG", "0") == "1"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("SANWU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("SANWU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "sanwu.core.staticfiles.StaticFilesConfig",  # django.contrib.staticfiles, collecting what pages load
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "axes",
    "django_tasks_db",
    "sanwu.core",
    "sanwu.regions",
    "sanwu.accounts",
    "sanwu.ledger",
    "sanwu.decisions",
    "sanwu.budgets",
    "sanwu.assets",
    "sanwu.contracts",
    "sanwu.oversight",
    "sanwu.payments",
    "sanwu.coop",
    "sanwu.disclosure",
    "sanwu.economy",
    "sanwu.partywork",
    "sanwu.assessment",
    "sanwu.workbench",
    "sanwu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sanwu.core.middleware.RequestIdMiddleware",
    "sanwu.core.api_errors.ApiErrorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "sanwu.core.middleware.NotFoundMiddleware",
]

ROOT_URLCONF = "sanwu.urls"
WSGI_APPLICATION = "sanwu.wsgi.application"

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
                "django.template.context_processors.csp",
                "sanwu.core.context_processors.sanwu",
            ],
        },
    },
]


def _test_database_name(engine: str) -> str | None:
    """The test database of this run: SANWU_TEST_DB when set, else (SQLite) a file named after the
    process, so that two runs in one checkout never remove each other's database. pytest-django
    creates it at the start of the run, removes it at the end, and adds _gw0, _gw1 … for xdist
    workers. A file, not memory, so that tests can start other processes on the same database."""
    name = os.environ.get("SANWU_TEST_DB", "")
    if engine != "django.db.backends.sqlite3":
        return name or None  # PostgreSQL: test_<database> unless named
    if not name:
        name = f"test_sanwu_{os.getpid()}"
    if "/" in name:
        return name
    return str(VAR_DIR / (name if name.endswith(".sqlite3") else f"{name}.sqlite3"))


DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'sanwu.sqlite3'}",
        conn_max_age=int(os.environ.get("SANWU_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # temp_store=MEMORY: the statement journal that lets one INSERT of a batch fail alone (the
    # immutability triggers, the unique constraints) stays in memory; in a temporary file it cost
    # 20,000 write calls per 1,000 imported vouchers, a fifth of the import's time.
    # wal_autocheckpoint=10000 pages: the WAL grows to about 40 MB between checkpoints instead of
    # 4 MB, so a large import checkpoints (and syncs) a tenth as often (docs/performance.md).
    # synchronous=FULL: every commit syncs the WAL to disk before it returns, so a posting that
    # was acknowledged survives a power cut (NORMAL left it in the OS cache until a checkpoint).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
if _test_name := _test_database_name(DATABASES["default"]["ENGINE"]):
    DATABASES["default"]["TEST"] = {"NAME": _test_name}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # An acknowledged commit is on disk (PostgreSQL's default, held here against a server or
    # role configured otherwise).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=on"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): 5 failures lock the username+address pair for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("SANWU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False
# One address is also locked when its failures over every username reach this many in the
# cool-off period (core.throttle), and the address is the real client's behind a trusted proxy.
AXES_HANDLER = "sanwu.core.throttle.AddressAwareHandler"
AXES_CLIENT_IP_CALLABLE = "sanwu.core.middleware.client_ip"
SANWU_LOGIN_ADDRESS_LIMIT = int(os.environ.get("SANWU_LOGIN_ADDRESS_LIMIT", "20"))
# Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed.
SANWU_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("SANWU_TRUSTED_PROXIES", "").split(",") if p.strip()]
SANWU_TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network(p, strict=False) for p in SANWU_TRUSTED_PROXIES]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor/echarts", PROJECT_DIR / "node_modules" / "echarts" / "dist")]
# Served for real (gunicorn: `make run`, production) Sanwu answers with the files `sanwu collectstatic`
# wrote: gzip- and brotli-compressed, with hashed names that browsers may keep for ever. Tests and
# `make dev` read the source files through the finders instead, so an edit shows at once and no
# stale manifest is ever used. `sanwu.gunicorn_conf` sets SANWU_STATIC_COLLECTED=1.
STATIC_COLLECTED = os.environ.get("SANWU_STATIC_COLLECTED", "1" if PRODUCTION else "0") == "1"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_COLLECTED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
WHITENOISE_KEEP_ONLY_HASHED_FILES = True  # pages name static files only through {% static %}
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ["map", "png", "jpg", "jpeg", "gif", "webp", "woff", "woff2", "gz", "br", "zip"]
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

# Background tasks (django.tasks): long exports and PDFs (core.downloads) are queued in the database
# and run by `sanwu worker`, which `make run` and `make dev` start beside the web server
# (scripts/with-worker.sh; docs/operations.md has its systemd unit). Tests run them at once.
TASKS = {"default": {"BACKEND": os.environ.get("SANWU_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Content-Security-Policy: no inline scripts, no third-party hosts.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600

if PRODUCTION:
    DEBUG = False
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SANWU_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SANWU_LOG_LEVEL", "WARNING")},
}

# Sanwu's own settings.
SANWU_DEMO_PASSWORD = os.environ.get("SANWU_DEMO_PASSWORD", "sanwu-demo-2026")
# Absolute base of the public village pages in QR codes and printed notices ("" = the request's host).
SANWU_PUBLIC_BASE_URL = os.environ.get("SANWU_PUBLIC_BASE_URL", "")
SANWU_PAGE_SIZE = 50
# Outbound reminders of inbox messages (docs/operations.md): a WeCom group robot or an SMS gateway.
SANWU_NOTIFY_WEBHOOK = os.environ.get("SANWU_NOTIFY_WEBHOOK", "")
SANWU_NOTIFY_FORMAT = os.environ.get("SANWU_NOTIFY_FORMAT", "wecom")  # wecom | json

# Keys of the personal data encrypted at rest (core.crypto): a file apart from the database.
SANWU_PII_KEY_FILE = os.environ.get("SANWU_PII_KEY_FILE", str(VAR_DIR / "pii.key"))
# Safe shared pieces (core): spreadsheet imports are bounded by these, whatever a sheet declares;
# an uploaded image may have at most this many pixels (read from its header, never decoded).
SANWU_IMPORT_MAX_ROWS = int(os.environ.get("SANWU_IMPORT_MAX_ROWS", "200000"))
SANWU_IMPORT_MAX_COLUMNS = int(os.environ.get("SANWU_IMPORT_MAX_COLUMNS", "64"))
SANWU_UPLOAD_MAX_PIXELS = int(os.environ.get("SANWU_UPLOAD_MAX_PIXELS", str(40_000_000)))
# A database that is down is logged in one line (core.dberrors), not a traceback per request.
LOGGING["filters"] = {"database_down": {"()": "sanwu.core.dberrors.OneLineLog"}}
LOGGING["handlers"]["console"]["filters"] = ["database_down"]
# Ceilings on amounts (fen) in the one voucher validator (form, API, import). A village
# collective's largest single movements — land compensation for a whole village, a project's
# funds — run to some tens of millions of yuan; 1亿元 per entry and 10亿元 per voucher leave
# room for those and refuse a typing slip of a few more digits (99,999,999,999,999 元 was
# accepted before). Both stay far inside a 64-bit column and JavaScript's exact integers.
SANWU_MAX_ENTRY_FEN = int(os.environ.get("SANWU_MAX_ENTRY_FEN", 100_000_000 * 100))
SANWU_MAX_VOUCHER_FEN = int(os.environ.get("SANWU_MAX_VOUCHER_FEN", 1_000_000_000 * 100))
# Entries in one voucher: a paper 记账凭证 holds five or six lines, a payroll a few hundred.
SANWU_MAX_VOUCHER_ENTRIES = int(os.environ.get("SANWU_MAX_VOUCHER_ENTRIES", 500))
