"""Settings for newsclips, read from the environment.

Every value that differs between a laptop and a public server comes from an
environment variable with a safe default: DEBUG is off unless asked for, the
secret key is never a constant in the repository, and the database defaults
to an embedded SQLite file under NEWSCLIPS_DATA_DIR.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from newsclips.environment import cache, database, env_bool, env_int, env_list, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DJANGO_DEBUG")

# Where the SQLite file and the generated secret key live; git-ignored.
DATA_DIR = Path(os.environ.get("NEWSCLIPS_DATA_DIR", BASE_DIR / "var"))


SECRET_KEY = secret_key(DATA_DIR)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "axes",
    "catalog",
]

MIDDLEWARE = [
    # First: load balancers probe /healthz by IP over plain HTTP (see newsclips/health.py).
    "newsclips.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session middleware: it sees (and corrects) the session's Vary: Cookie.
    "newsclips.http_cache.HttpCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "newsclips.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "newsclips.errors.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsclips.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "newsclips.locale.language_links",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "newsclips.wsgi.application"
ASGI_APPLICATION = "newsclips.asgi.application"

# SQLite by default; DATABASE_URL=postgres://... switches to PostgreSQL.
DATABASES = {"default": database(DATA_DIR)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


CACHES = {"default": cache(os.environ.get("NEWSCLIPS_CACHE_URL", "").strip())}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The interface in two languages, chosen by a language prefix in the URL (/de/...,
# the switch's links) or else the browser's Accept-Language (newsclips/locale.py).
# Clip content keeps its own.
LANGUAGES = [("en", _("English")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

# Absolute: a relative one would take the language prefix (/de/static/...).
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Captures (preserved media): a local folder under the data directory, or an
# S3-compatible bucket (django-storages) when several machines share them.
if os.environ.get("NEWSCLIPS_CAPTURE_S3_BUCKET"):
    STORAGES["captures"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["NEWSCLIPS_CAPTURE_S3_BUCKET"],
            "endpoint_url": os.environ.get("NEWSCLIPS_CAPTURE_S3_ENDPOINT") or None,
            "region_name": os.environ.get("NEWSCLIPS_CAPTURE_S3_REGION") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": True,  # content-addressed: a name always holds the same bytes
        },
    }
else:
    STORAGES["captures"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": Path(os.environ.get("NEWSCLIPS_CAPTURE_DIR", DATA_DIR / "captures")),
            "base_url": "/no-public-url/",  # served only through the permission-checked view
            "file_permissions_mode": 0o640,
            "directory_permissions_mode": 0o750,
        },
    }
if DEBUG:
    # runserver serves the source files; no collectstatic needed while developing.
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Uploads of .info.json files are read in memory up to this size.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Security: on by default, relaxed only where DEBUG is asked for.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Strict Content Security Policy: scripts and styles only from our own static files
# (the admin's few inline blocks carry the per-response nonce), frames only from the
# privacy-enhanced YouTube player, thumbnails from any https host.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "https:"],
    "frame-src": ["https://www.youtube-nocookie.com"],
    "frame-ancestors": [CSP.NONE],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
# The preload token only allows submitting the site to the browsers' list; it does not submit it.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGIN_URL = "admin:login"

# Login rate limit (django-axes): after NEWSCLIPS_LOGIN_FAILURES wrong passwords for one
# username from one address, that pair is locked out for the cool-off; a success resets it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("NEWSCLIPS_LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("NEWSCLIPS_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "newsclips.security.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One JSON object per line on stdout (newsclips/logs.py); DJANGO_LOG_FORMAT=text for people.
    "formatters": {
        "json": {"()": "newsclips.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json"),
        },
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},  # no start-up banner in every command
    },
}

# Background jobs (imports, refreshes, followed channels) are rows in the
# database, run by `manage.py db_worker`; no broker to operate.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# The newsclips catalogue itself.
NEWSCLIPS_PAGE_SIZE = 24
# Seconds a browser, proxy or CDN may reuse an anonymous public page without asking
# (newsclips/http_cache.py); an edit or import is on every page after at most this.
NEWSCLIPS_PAGE_MAX_AGE = env_int("NEWSCLIPS_PAGE_MAX_AGE", 60)
# Seconds a process answers anonymous readers from the catalogue version it read last
# (catalog.versioning): a revalidation or a kept page then needs no query, and a
# change reaches readers that much later. 0: read it for every request.
NEWSCLIPS_VERSION_SECONDS = env_int("NEWSCLIPS_VERSION_SECONDS", 1)
# Keep each anonymous public page, once built, in the default cache until the
# catalogue changes (catalog.versioning.cached_page); off: every request builds it.
NEWSCLIPS_PAGE_CACHE = env_bool("NEWSCLIPS_PAGE_CACHE", True)
# Fetch URLs on private networks (127.0.0.1, 10.x, …)? Off: an editor's URL must
# not reach services behind the firewall. Tests switch it on for local servers.
NEWSCLIPS_ALLOW_PRIVATE_URLS = env_bool("NEWSCLIPS_ALLOW_PRIVATE_URLS")
# Subtitle languages fetched with a video, in order of preference.
NEWSCLIPS_SUBTITLE_LANGUAGES = env_list("NEWSCLIPS_SUBTITLE_LANGUAGES", "de,en")
# What one page fetched for a URL import may cost: bytes read, seconds spent reading.
NEWSCLIPS_MAX_RESPONSE_BYTES = env_int("NEWSCLIPS_MAX_RESPONSE_BYTES", 20 * 1024 * 1024)
NEWSCLIPS_MAX_RESPONSE_SECONDS = env_int("NEWSCLIPS_MAX_RESPONSE_SECONDS", 60)
# Captures: where downloads wait until complete (same file system as the local
# captures folder, so that putting a file in place is a rename), the best height
# kept, the limits per file and in total (0: no quota), how long one response may
# take, captures at once per source host, attempts, and whether readers may play them.
NEWSCLIPS_CAPTURE_WORK_DIR = Path(
    os.environ.get("NEWSCLIPS_CAPTURE_WORK_DIR", DATA_DIR / "capture-work")
)
NEWSCLIPS_CAPTURE_MAX_HEIGHT = env_int("NEWSCLIPS_CAPTURE_MAX_HEIGHT", 720)
NEWSCLIPS_CAPTURE_MAX_FILE_BYTES = env_int("NEWSCLIPS_CAPTURE_MAX_FILE_BYTES", 2 * 1024**3)
NEWSCLIPS_CAPTURE_QUOTA_BYTES = env_int("NEWSCLIPS_CAPTURE_QUOTA_BYTES", 0)
NEWSCLIPS_CAPTURE_MAX_SECONDS = env_int("NEWSCLIPS_CAPTURE_MAX_SECONDS", 3600)
NEWSCLIPS_CAPTURE_PER_HOST = env_int("NEWSCLIPS_CAPTURE_PER_HOST", 2)
NEWSCLIPS_CAPTURE_ATTEMPTS = env_int("NEWSCLIPS_CAPTURE_ATTEMPTS", 4)
# A running capture whose worker is silent this long is resumed by check_due.
NEWSCLIPS_CAPTURE_STALE_SECONDS = env_int("NEWSCLIPS_CAPTURE_STALE_SECONDS", 600)
NEWSCLIPS_PUBLIC_CAPTURES = env_bool("NEWSCLIPS_PUBLIC_CAPTURES")
# What is shown on screen (catalog.analysis): a complete capture's media is analysed for
# keyframes (at shot changes, and at least every KEYFRAME_EVERY seconds) and for the text
# on screen (a frame read every TEXT_EVERY seconds).
NEWSCLIPS_ANALYSE_CAPTURES = env_bool("NEWSCLIPS_ANALYSE_CAPTURES", True)
NEWSCLIPS_KEYFRAME_EVERY = env_int("NEWSCLIPS_KEYFRAME_EVERY", 10)
NEWSCLIPS_TEXT_EVERY = env_int("NEWSCLIPS_TEXT_EVERY", 1)
NEWSCLIPS_ANALYSIS_STALE_SECONDS = env_int("NEWSCLIPS_ANALYSIS_STALE_SECONDS", 600)

# The read-only JSON API (/api/v1/). Everyone is anonymous (no logins through the
# API, so no password guessing there) and throttled per IP in the default cache.
NEWSCLIPS_API_ANON_RATE = os.environ.get("NEWSCLIPS_API_ANON_RATE", "60/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # JSON only: the browsable API would need inline scripts and third-party assets.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["catalog.api.throttling.AnonThrottle"],
    # The client address: REMOTE_ADDR, or behind our proxy the last X-Forwarded-For
    # entry (the one the proxy appended), as for the login limit (newsclips/security.py).
    # Without it DRF would take the whole header, which the client writes.
    "NUM_PROXIES": 1 if env_bool("DJANGO_BEHIND_PROXY") else 0,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "newsclips API",
    "DESCRIPTION": "Read-only access to the catalogue of news video clips.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI from the sidecar package: served by us, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Proof of captures (catalog/capture/timestamps.py): RFC 3161 time-stamping authorities
# asked for a token over every capture's manifest (none by default), the certificates
# their tokens must chain to (default: the system's CAs), and how long one may take.
NEWSCLIPS_TSA_URLS = env_list("NEWSCLIPS_TSA_URLS", "")
NEWSCLIPS_TSA_CA_FILE = os.environ.get("NEWSCLIPS_TSA_CA_FILE", "")
NEWSCLIPS_TSA_TIMEOUT = env_int("NEWSCLIPS_TSA_TIMEOUT", 20)
# Re-hash this share of the stored capture files per day (`manage.py check_due`), the
# longest unchecked first: 5 means every file about every 20 days; 0 switches it off.
NEWSCLIPS_FIXITY_PERCENT = float(os.environ.get("NEWSCLIPS_FIXITY_PERCENT", "5"))
# Clips whose new thumbnail or never-fingerprinted captured media one `check_due` run
# queues for fingerprints (catalog.fingerprint.jobs); 0 leaves it to `manage.py fingerprint`.
NEWSCLIPS_FINGERPRINTS_PER_RUN = env_int("NEWSCLIPS_FINGERPRINTS_PER_RUN", 200)
