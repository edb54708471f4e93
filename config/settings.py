"""Settings for Palmarès, read from the environment.

Defaults serve `make run` (SQLite, local files, a filesystem broker). Setting DATABASE_URL, REDIS_URL and S3_*
switches to the real services. PALMARES_ENV=production turns on the production checks: every value that
production needs and that has no safe default raises ImproperlyConfigured with the variable's name.
"""

import hashlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
RUN_DIR = Path(os.environ.get("PALMARES_RUN_DIR", BASE_DIR / ".run"))

ENVIRONMENT = os.environ.get("PALMARES_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"


def env(name: str, default: str | None = None, *, required_in_production: bool = False) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION and required_in_production:
        raise ImproperlyConfigured(f"Set the environment variable {name} (required when PALMARES_ENV=production).")
    return default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (os.environ.get(name) or default).split(",") if item.strip()]


def checkout_secret_key(run_dir: Path) -> str:
    """The key of `make run` when SECRET_KEY is unset: random, made once per checkout and kept in
    RUN_DIR/secret_key (owner-only). A key written in the source would let anyone sign sessions, reset links and
    media tokens for every development server. Several processes may start at once: the first link wins."""
    path = run_dir / "secret_key"
    if not path.is_file():
        run_dir.mkdir(parents=True, exist_ok=True)
        temporary = run_dir / f"secret_key.{os.getpid()}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()


SECRET_KEY = env("SECRET_KEY", required_in_production=True) or checkout_secret_key(RUN_DIR)
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set the environment variable ALLOWED_HOSTS (required when PALMARES_ENV=production).")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public origin: every absolute URL (feed, sitemap, OpenGraph, mails) is built from it, never from the Host header.
# Its default follows the address `make run` serves at (PALMARES_ADDRPORT, as run_all reads it), so that the demo's
# mails link to the port the server really listens on.
SITE_URL = env(
    "SITE_URL", f"http://{os.environ.get('PALMARES_ADDRPORT', '127.0.0.1:8000')}", required_in_production=True
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "accounts",
    "contest",
    "media_pipeline",
    "judging",
    "releases",
    "audience",
    "operations",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "privacy",
    "demo",  # the demo of `make run`, above every app: load_demo and run_all
]

MIDDLEWARE = [
    "operations.request_id.RequestIdMiddleware",
    "operations.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "accounts.typography.FrenchTypographyMiddleware",  # inside LocaleMiddleware: the page's language is active
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "contest.middleware.ContestTimeZoneMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into the login page's message
]

# Form templates come from the project's templates first (templates/django/forms/label.html capitalises labels).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

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
                "contest.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL", required_in_production=True)
if not DATABASE_URL:  # the embedded default of `make run`
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{RUN_DIR / 'palmares.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# AxesStandaloneBackend first: it refuses to check a password while the email + address pair is locked out.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.EmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
INVITATION_TTL_DAYS = int(env("INVITATION_TTL_DAYS", "14"))
EMAIL_VERIFICATION_TTL_DAYS = int(env("EMAIL_VERIFICATION_TTL_DAYS", "3"))
# Self-registration attempts (a new account and team) per client address and hour: bounds account enumeration.
REGISTRATION_ATTEMPTS_PER_HOUR = int(env("REGISTRATION_ATTEMPTS_PER_HOUR", "60"))
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(12 * 3600)))  # then the person logs in again
PASSWORD_RESET_TIMEOUT = int(env("PASSWORD_RESET_TIMEOUT", "3600"))  # seconds a reset link stays valid

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one email from one address, that pair
# is refused for AXES_COOLOFF_MINUTES; the login page says so (accounts/lockout.py). A success resets the count.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.lockout.username_from_request"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # lockouts are still logged as warnings, without a line for every login
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the pause ends when the message says, whatever is tried
AXES_IPWARE_PROXY_COUNT = int(env("AXES_IPWARE_PROXY_COUNT", "0"))  # proxies in front of gunicorn that set X-F-F
# X-Forwarded-For counts only when proxies are declared: otherwise a client could send a new address each attempt.
# accounts.client_ip reads it (django-ipware is not installed: without this, axes would read REMOTE_ADDR alone,
# the proxy's address for everyone).
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
# Two-factor (django-otp TOTP): optional, enrolled by organisers at /accounts/two-factor/.
OTP_TOTP_ISSUER = "Palmarès"
TWO_FACTOR_PENDING_SECONDS = 300  # time between the password and the code

# Personal data (privacy/): a withdrawn team's data and files are kept this many days after submissions close, then
# erased by the beat task (organisers may erase earlier, once submissions are closed). Scores stay, anonymised.
PERSONAL_DATA_RETENTION_DAYS = int(env("PERSONAL_DATA_RETENTION_DAYS", "180"))

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Storage is UTC; pages show each contest's own zone (contest.middleware). This is the zone of pages outside a contest.
TIME_ZONE = env("TIME_ZONE", "Europe/Paris")

STATIC_URL = "/static/"
STATIC_ROOT = RUN_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(RUN_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # files are only ever served through signed, permission-checked views

S3_BUCKET = env("S3_BUCKET")
S3_ENDPOINT_URL = env("S3_ENDPOINT_URL")
S3_PUBLIC_ENDPOINT_URL = env("S3_PUBLIC_ENDPOINT_URL", S3_ENDPOINT_URL)
S3_REGION = env("S3_REGION", "us-east-1")
S3_ACCESS_KEY_ID = env("S3_ACCESS_KEY_ID")
S3_SECRET_ACCESS_KEY = env("S3_SECRET_ACCESS_KEY")
S3_PRESIGN_SECONDS = int(env("S3_PRESIGN_SECONDS", "300"))
# Release media: pages name the app's own address, which checks visibility at each request and redirects to a URL
# signed for this many seconds, so that unpublishing or a withdrawn consent cuts playback within them.
MEDIA_REDIRECT_SECONDS = int(env("MEDIA_REDIRECT_SECONDS", "10"))
# How long a share link's opening (the one view it spent) keeps its film's media addresses answering.
SHARE_OPENING_SECONDS = int(env("SHARE_OPENING_SECONDS", str(6 * 3600)))
if S3_BUCKET:
    _file_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL,
            "region_name": S3_REGION,
            "access_key": S3_ACCESS_KEY_ID,
            "secret_key": S3_SECRET_ACCESS_KEY,
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": S3_PRESIGN_SECONDS,
            "file_overwrite": False,
            "addressing_style": "path",
            "signature_version": "s3v4",
        },
    }
elif PRODUCTION:
    raise ImproperlyConfigured("Set the environment variable S3_BUCKET (required when PALMARES_ENV=production).")
else:
    _file_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}}
STORAGES = {
    "default": _file_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "7200"))}
    if REDIS_URL
    else {
        "data_folder_in": str(RUN_DIR / "broker"),
        "data_folder_out": str(RUN_DIR / "broker"),
        "processed_folder": str(RUN_DIR / "broker-processed"),
        "control_folder": str(RUN_DIR / "broker-control"),
        "store_processed": False,
    }
)
if not REDIS_URL:  # the filesystem broker needs its folders before the first message (load_demo sends some)
    for _folder in ("broker", "broker-processed", "broker-control"):
        (RUN_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# Anonymous visitors' public pages are shared from the cache for at most this many seconds, never past the next
# release step's second, and dropped on any change (releases/page_cache.py). 0 turns it off.
PUBLIC_PAGE_CACHE_SECONDS = int(env("PUBLIC_PAGE_CACHE_SECONDS", "30"))

# Media pipeline (media_pipeline/pipeline.py). Time limits stay below the broker's visibility timeout, so a message
# is never handed to a second worker while the first may still run it.
# Uploads in progress (not completed, not aborted) an entry, and a team across its entries, may hold at once: each
# one reserves up to the contest's file size in storage until it completes or housekeeping aborts it after a day.
UPLOAD_MAX_OPEN_PER_ENTRY = int(env("UPLOAD_MAX_OPEN_PER_ENTRY", "3"))
UPLOAD_MAX_OPEN_PER_TEAM = int(env("UPLOAD_MAX_OPEN_PER_TEAM", "6"))

PIPELINE_CHECK_TIME_LIMIT = int(env("PIPELINE_CHECK_TIME_LIMIT", "120"))  # seconds, hard; the soft limit is 10 s less
PIPELINE_TRANSCODE_TIME_LIMIT = int(env("PIPELINE_TRANSCODE_TIME_LIMIT", "5400"))
PIPELINE_LEASE_SECONDS = int(env("PIPELINE_LEASE_SECONDS", "60"))  # a transcode renews it every few seconds
PIPELINE_MAX_ATTEMPTS = int(env("PIPELINE_MAX_ATTEMPTS", "3"))
PIPELINE_STORAGE_RETRIES = int(env("PIPELINE_STORAGE_RETRIES", "6"))  # with exponential backoff from 10 s
PIPELINE_ENQUEUE_GRACE = int(env("PIPELINE_ENQUEUE_GRACE", "30"))  # seconds before the sweeper re-sends a lost enqueue
PIPELINE_REQUEUE_AFTER = int(env("PIPELINE_REQUEUE_AFTER", "900"))  # a queued message not started by then is re-sent
PIPELINE_SWEEP_EVERY = float(env("PIPELINE_SWEEP_EVERY", "30"))
PIPELINE_WORK_DIR = env("PIPELINE_WORK_DIR") or None
# The key of the screeners' forensic mark (media_pipeline.screeners); derived from SECRET_KEY when unset. Keep it
# for as long as copies of a film may need tracing: changing it makes earlier screeners' marks unreadable.
WATERMARK_SECRET = env("WATERMARK_SECRET")
# The audience vote (audience/): voters are known by a keyed hash of their address; the pepper is derived from
# SECRET_KEY when unset. Changing it makes every voter new (their votes stay, but a second one would be possible).
AUDIENCE_ADDRESS_PEPPER = (
    env("AUDIENCE_ADDRESS_PEPPER") or hashlib.sha256(f"audience:{SECRET_KEY}".encode()).hexdigest()
)
AUDIENCE_LINK_MINUTES = int(env("AUDIENCE_LINK_MINUTES", "30"))  # a verification link works this long, once
AUDIENCE_LINKS_PER_ADDRESS_PER_HOUR = int(env("AUDIENCE_LINKS_PER_ADDRESS_PER_HOUR", "3"))
# A school's pupils share one address: the limit per IP is for scripts, not classes.
AUDIENCE_LINKS_PER_IP_PER_HOUR = int(env("AUDIENCE_LINKS_PER_IP_PER_HOUR", "200"))
AUDIENCE_BALLOTS_PER_IP_PER_MINUTE = int(env("AUDIENCE_BALLOTS_PER_IP_PER_MINUTE", "120"))
AUDIENCE_THROWAWAY_DOMAINS = env_list("AUDIENCE_THROWAWAY_DOMAINS")
SCREENER_SESSION_SECONDS = int(env("SCREENER_SESSION_SECONDS", "7200"))  # a viewing session's addresses live this long
SCREENER_SEGMENT_URL_SECONDS = int(
    env("SCREENER_SEGMENT_URL_SECONDS", "30")
)  # a segment's storage address  # temporary files of the transcode (default: the system's)
if REDIS_URL and CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= PIPELINE_TRANSCODE_TIME_LIMIT:
    raise ImproperlyConfigured("PIPELINE_TRANSCODE_TIME_LIMIT must stay below CELERY_VISIBILITY_TIMEOUT.")

CELERY_TASK_ROUTES = {
    "media_pipeline.tasks.check_film": {"queue": "checks"},
    "media_pipeline.tasks.transcode_film": {"queue": "transcode"},
    "media_pipeline.tasks.make_screener": {"queue": "transcode"},
}
# Days before a round closes when jurors with reviews left get a reminder (the other one comes 24 h before).
JUROR_REMINDER_DAYS = int(env("JUROR_REMINDER_DAYS", "3"))

CELERY_BEAT_SCHEDULE = {
    # Re-sends pipeline work whose message was lost or whose worker died (media_pipeline).
    "sweep-pipeline": {"task": "media_pipeline.tasks.sweep_pipeline", "schedule": PIPELINE_SWEEP_EVERY},
    # Gives every ready film its screener (HLS ladder) and re-sends screeners whose worker died (media_pipeline).
    "backfill-screeners": {"task": "media_pipeline.tasks.backfill_screeners", "schedule": 300.0},
    # Aborts multipart uploads left incomplete for 24 h and deletes orphaned objects (media_pipeline).
    "clean-up-uploads": {"task": "media_pipeline.tasks.clean_up_uploads", "schedule": 3600.0},
    # Makes the plain (unmarked) screener of every film that became public (releases).
    "queue-public-screeners": {"task": "releases.tasks.queue_public_screeners", "schedule": 300.0},
    # Mails people whom a release step now lets see more (releases); visibility itself never waits for it.
    "notify-release-steps": {"task": "releases.tasks.notify_due_steps", "schedule": 60.0},
    # Mails jurors their films, the round's opening and reminders before it closes, each once (judging).
    "mail-jurors": {"task": "judging.tasks.mail_jurors", "schedule": 60.0},
    # Mails each juror, once a day at most, the new messages in the discussions they take part in (judging).
    "mail-discussion-digests": {"task": "judging.tasks.mail_digests", "schedule": 3600.0},
    # Mails each team member the jury's feedback once the organiser's publication is in force (judging).
    "mail-team-feedback": {"task": "judging.tasks.mail_due_feedback", "schedule": 60.0},
    # Mails each recipient of an organiser's message to a group, once (contest).
    "deliver-group-messages": {"task": "contest.tasks.deliver_group_messages", "schedule": 60.0},
    # Erases withdrawn teams past PERSONAL_DATA_RETENTION_DAYS (privacy).
    "erase-withdrawn-teams": {"task": "privacy.tasks.erase_due_teams", "schedule": 24 * 3600.0},
}

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Palmarès <noreply@palmares.invalid>")

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): no inline script or style anywhere; config/csp.py adds the storage origin
# (signed media URLs, direct uploads) to img-src, media-src and connect-src at request time.
CSP_MEDIA_ORIGINS = env_list("CSP_MEDIA_ORIGINS")  # extra origins media may come from (a CDN in front of the bucket)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        # blob: for the MediaSource that hls.js (static/js/screener.js) plays a screener through; only the page's
        # own scripts can make a blob: address, so no media from elsewhere gets in by it.
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Organiser API (api/): bearer tokens only, JSON only; the schema and its docs page at /api/schema/ and /api/docs/.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Palmarès organiser API",
    "DESCRIPTION": "Contests, entries with their pipeline state, assignments, scores and results (read); awards and "
    "releases (read/write). Authenticate with `Authorization: Bearer <token>`; tokens are created on /api/tokens/.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

METRICS_TOKEN = env("METRICS_TOKEN")  # /metrics answers 404 without it

LOG_FORMAT = env("LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "operations.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "operations.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},  # lockouts, not every login
}
