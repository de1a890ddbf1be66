"""Settings for the National Oversight Group service.

Every value that differs between a laptop and production comes from the environment (or a
local, untracked `.env` file; real environment variables win). See the README for the table.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from oversight.csp import JS_ENABLED_SCRIPT_HASH

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# ENV_FILE lets tests (and unusual deployments) point somewhere other than ./.env.
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# A production secret has no default: fail loudly rather than sign sessions with a known key.
SECRET_KEY = env.str("SECRET_KEY", default="").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (or DEBUG=true for local work)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "oversight.admin_site.AdminConfig",  # django.contrib.admin with our AdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "oversight",
    "recommendations",
    "forces",
    "reports",
    "axes",
    # Two-factor sign-in: authenticator apps (TOTP) and single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Background jobs (e-mail): Django's task API, kept in the database. After "oversight", whose
    # db_worker command (which also runs again the jobs of a worker that died) replaces theirs.
    "django_tasks",
    "django_tasks_db",
    # Who changed what, with the values before and after (issue 10); the import of plan versions.
    "simple_history",
    "import_export",
]

MIDDLEWARE = [
    # Security headers first: they wrap the page cache below, so cached pages get them too.
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "oversight.middleware.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before anything reads a body (none of the above does), and after the headers, so the
    # 413 page gets them too.
    "oversight.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "reports.middleware.PublishedPageCacheMiddleware",
    # Inside the page cache, which keeps every coding made; outside sessions and CSRF, so it
    # sees whether a response holds a secret and must not be compressed (BREACH).
    "oversight.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Before anything reads a token: a request's sign-in and page share one read.
    "oversight.personal_pages.PageVersionsMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor?
    "django_otp.middleware.OTPMiddleware",
    # A session that still owes its second factor reaches only the two-factor pages.
    "oversight.two_factor.SecondFactorMiddleware",
    "oversight.accounts.StaffIdleTimeoutMiddleware",
    "oversight.accounts.PermissionDeniedLogMiddleware",
    # The history rows of a request's changes name the signed-in user who made them.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last: turns a login refused by the axes backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "oversight.urls"

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
                "oversight.context_processors.service",
            ],
        },
    },
]

WSGI_APPLICATION = "oversight.wsgi.application"

# SQLite in the project folder by default, so `make run` needs no database server.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "sign-in"
# Members come to sign in to review the force plans; staff find the admin linked from there.
LOGIN_REDIRECT_URL = "forces:plan-list"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (plan documents, meeting papers, publication PDFs). With S3_BUCKET set they
# live in object storage, through django-storages' S3 backend, so every app server sees the same
# files; otherwise on the local disk (MEDIA_ROOT), so `make run` needs nothing. Either way no URL
# serves them: downloads stream through views that check who is asking, so objects are private
# (no ACL, the bucket's own policy) and no signed URLs are made.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    _s3_options = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
        "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
        "region_name": env.str("S3_REGION", default="us-east-1"),
        "default_acl": None,
        "querystring_auth": False,
        # Two uploads never share a name (oversight.uploads names them); never rename silently.
        "file_overwrite": False,
        "signature_version": "s3v4",
        # "path" (bucket in the path) suits S3-compatible stores on one host; AWS takes "auto".
        "addressing_style": env.str("S3_ADDRESSING_STYLE", default="path"),
    }
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _s3_options,
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    # Compressed files with content-hashed names, so they can be cached for ever.
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="oversight.storage.ManifestStaticFilesStorage",
        )
    },
}

# Uploaded plan documents and meeting papers: never under static/, never served directly.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Seconds each worker keeps a published page in memory (0: never). Shared caches keep it for 300.
PUBLISHED_PAGE_CACHE_SECONDS = env.int("PUBLISHED_PAGE_CACHE_SECONDS", default=10)
# Pages made from the publications alone (home, lists, datasets) each worker keeps, rendered
# once per publication (reports.published_responses); 0 renders every request.
PUBLICATION_PAGES_KEPT = env.int("PUBLICATION_PAGES_KEPT", default=200)
# Search results pages each worker keeps the same way, apart (one per query and page).
SEARCH_PAGES_KEPT = env.int("SEARCH_PAGES_KEPT", default=1000)
# Pages made for one signed-in person (the members' dashboard) each worker keeps until what
# they show changes (oversight.personal_pages); 0 makes them on every request.
PERSONAL_PAGES_KEPT = env.int("PERSONAL_PAGES_KEPT", default=200)
# Signed-in logins each worker keeps, with their permissions, until an account changes
# (oversight/signed_in.py, ADR 9; 0: loaded on every request).
SIGNED_IN_KEPT = env.int("SIGNED_IN_KEPT", default=1000)
# The largest request body accepted, except on the admin pages that take documents, which
# accept an upload (oversight.uploads.MAX_UPLOAD_BYTES) and this much more for the other fields.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=1024 * 1024)

# GDS Transport is licensed for gov.uk domains only; elsewhere the pages use a system font.
GOVUK_TRANSPORT_FONT = env.bool("GOVUK_TRANSPORT_FONT", default=False)

# ---- Security: headers, cookies, HTTPS ----
# With DEBUG off these pass `manage.py check --deploy --fail-level WARNING`; CI runs it.
# Behind a proxy or load balancer that terminates TLS, believe its X-Forwarded-Proto, and only
# then: otherwise any client could claim HTTPS. The proxy must overwrite the header it receives.
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers and the container HEALTHCHECK ask for /healthz over plain HTTP, inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# A year of HTTPS only, for this host and its subdomains; never locally, where there is no TLS.
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SAMESITE = "Lax"
# Other origins allowed to POST forms here, e.g. "https://oversight.example.gov.uk" when the
# proxy rewrites the Host header. Same-origin forms need nothing.
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# security.W021 (no HSTS preload): preloading puts the whole registrable domain on a list built
# into browsers, takes months to undo, and is for the domain's owner to request. Set
# SECURE_HSTS_PRELOAD=true once they have; the warning is silenced only while it is off.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# No nonces: published pages are cached whole, so a per-response nonce would go stale. Scripts
# are files from 'self' plus the one inline script, allowed by the hash of its text.
# GOV.UK Frontend and Django's admin need no inline styles, and our admin screens take theirs
# from static/css/admin.css, so style-src stays 'self' too: keep <style> and style= out.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, JS_ENABLED_SCRIPT_HASH],
        "style-src": [SELF],
        # GOV.UK Frontend's stylesheet draws some icons from data: URLs.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# Browser features no page here uses, switched off for this site and anything it embeds.
PERMISSIONS_POLICY = dict.fromkeys(
    [
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ],
    (),  # no origin at all: `camera=()`
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports every step of every PDF at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# ---- Accounts: passwords, sessions, login throttling ----
# Passwords follow NCSC guidance: AUTH_PASSWORD_VALIDATORS above ask for 12 or more characters
# and refuse common passwords. No composition rules and no maximum: long passphrases are welcome.

# A cache every app server shares (CACHE_URL=redis://host:6379/0) holds the sessions in front
# of the database: a signed-in request reads its session from the cache, and a session saved
# or ended on one server is read so on every other, the database staying the record. Without
# one (make run, the tests), each worker's own memory and sessions in the database alone.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # A cache that does not answer is given up on at once: the database has every session.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        socket_connect_timeout=0.5, socket_timeout=0.5
    )
CACHE_IS_SHARED = CACHES["default"]["BACKEND"] not in (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
SESSION_ENGINE = "oversight.sessions" if CACHE_IS_SHARED else "django.contrib.sessions.backends.db"
# The longest a session is read from the cache before the database is asked again.
SESSION_CACHE_SECONDS = env.int("SESSION_CACHE_SECONDS", default=300)

# Staff who leave the admin open are signed out after 30 minutes without a request
# (oversight.accounts.StaffIdleTimeoutMiddleware; anonymous visitors' requests are not touched).
STAFF_IDLE_TIMEOUT_SECONDS = 30 * 60

# A password-reset link works once, and for an hour at most.
PASSWORD_RESET_TIMEOUT = 60 * 60

# Outgoing email (password resets), e.g. smtp+tls://user:password@smtp.example.org:587.
# The default prints messages to the console, which is for local work: `check --deploy` warns.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
# Seconds an SMTP connection may take: without a limit a hung server holds a worker for ever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# ---- Background jobs: e-mail is sent by a job, never inside the request ----
# "database": jobs wait in the database for `python manage.py db_worker` (no broker needed).
# "immediate": a job runs at once, inside the request that queued it: local development only,
# so `make run` needs no worker. Default: immediate with DEBUG on, the database otherwise.
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = env.str("TASKS_BACKEND", default="immediate" if DEBUG else "database")
if _tasks_backend not in TASKS_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND is {_tasks_backend!r}; use one of {', '.join(TASKS_BACKENDS)}."
    )
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[_tasks_backend]}}
# A worker says it is alive every quarter of this; a job whose worker has not for this long is
# taken to be lost (the process died) and is run again, at most TASKS_MAX_ATTEMPTS times in all.
TASKS_WORKER_LOST_AFTER_SECONDS = env.float("TASKS_WORKER_LOST_AFTER_SECONDS", default=60)
TASKS_MAX_ATTEMPTS = 3

# Password-reset requests allowed in an hour, per address asked for and per client address.
# Beyond either the form says to try again later (429) and sends nothing.
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = env.int("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", default=3)
PASSWORD_RESET_PER_CLIENT_PER_HOUR = env.int("PASSWORD_RESET_PER_CLIENT_PER_HOUR", default=10)

# E-mail alerts about new updates (reports/alerts.py): sign-ups allowed in an hour, per
# address and per client address; beyond either the form asks to try later and sends nothing.
ALERT_SIGNUPS_PER_ADDRESS_PER_HOUR = env.int("ALERT_SIGNUPS_PER_ADDRESS_PER_HOUR", default=3)
ALERT_SIGNUPS_PER_CLIENT_PER_HOUR = env.int("ALERT_SIGNUPS_PER_CLIENT_PER_HOUR", default=10)
# The service's public address, for the links in alerts, which are sent outside any request.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")
# Who the public write to about their data (the privacy notice), e.g. the department's DPO.
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="privacy@example.gov.uk")
# Where the public asks for an update in another format, or reports an accessibility problem.
ACCESSIBLE_FORMAT_EMAIL = env.str(
    "ACCESSIBLE_FORMAT_EMAIL", default="oversight-secretariat@example.gov.uk"
)

# Number of reverse proxies in front of the service that append to X-Forwarded-For. With 0 the
# header is ignored (a client could write anything there) and REMOTE_ADDR is the client address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# django-axes: 5 failed sign-ins lock that username from that IP address for 15 minutes, so an
# attacker cannot lock a real user out from elsewhere. The axes backend checks the lock first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "oversight.auth_backends.MemberAwareBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "oversight.accounts.client_ip"
AXES_USERNAME_CALLABLE = "oversight.accounts.login_username"
# Sign-ins are recorded in the log (event=login_succeeded); the database keeps only failures.
AXES_DISABLE_ACCESS_LOG = True
# Axes notes every sign-in at INFO; our own event lines say the same in one line each.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}

# Importing plan versions (forces/resources.py) needs the add permission, exporting the view one.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"


# ---- Two-factor sign-in (django-otp) ----
# On: secretariat (staff) accounts must set up an authenticator app and give a code at each
# sign-in, and the admin refuses a session that has not. Members are offered it either way.
# Default: on whenever DEBUG is off, off with DEBUG on (so `make run` needs no phone).
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = "National Oversight Group"
# Wrong codes lock a device for 1, 2, 4, 8... seconds after each failure (django-otp's own
# throttling, said here so that nobody switches it off by accident).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# An invitation to sign in works once, for this many days.
INVITATION_VALID_DAYS = 7
