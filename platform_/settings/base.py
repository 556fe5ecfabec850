"""Settings shared by every environment. Values come from the environment (12-factor)."""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# infra/dev/services.py writes the addresses of the PostgreSQL and Redis it found or started here,
# so manage.py commands run by hand talk to the same servers as `make run`.
environ.Env.read_env(BASE_DIR / ".data" / "services.env", overwrite=False)

# --- Core -----------------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
INSECURE_DEFAULT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105 (production refuses it)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", ".localhost", "127.0.0.1"])

# The platform's own host; each tenant is reachable at <slug>.<PLATFORM_DOMAIN> from the moment it
# is provisioned, and may add its own domains later.
PLATFORM_DOMAIN = env("PLATFORM_DOMAIN", default="localhost")
# How links in emails and printed URLs are built: scheme and an optional ":port" suffix.
SITE_SCHEME = env("SITE_SCHEME", default="http")
SITE_PORT_SUFFIX = env("SITE_PORT_SUFFIX", default=":8000")

ROOT_URLCONF = "platform_.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "platform_.urls_public"
WSGI_APPLICATION = "platform_.wsgi.application"

# --- Tenancy (django-tenants) ---------------------------------------------------------------------
# Users live in their tenant's schema; platform staff live in the public schema. The accounts app
# (the user model) and allauth are therefore installed on both sides.
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "platform_",
    "platform_.accounts",
    "platform_.outbox",
    "platform_.billing",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "django.contrib.staticfiles",
    # allauth's tables exist in public too, so its authentication backend can run safely there.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "crispy_forms",
    "crispy_forms_gds",
    "rules.apps.AutodiscoverRulesConfig",
    # The REST API (platform_.api): no tables of their own; the sidecar serves Swagger UI and
    # Redoc from static files, since pages load nothing from a CDN.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.admin",
    "platform_.accounts",
    "platform_.audit",
    "platform_.outbox",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    # Each council's own OpenID Connect provider (platform_/accounts/sso.py); no tables.
    "allauth.socialaccount.providers.openid_connect",
    "charters",
    "accreditation",
    "platform_.exports",
    "platform_.api",
    "platform_.webhooks",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
# Set search_path once per schema switch rather than before every query (half the round trips).
TENANT_LIMIT_SET_CALLS = True
# Councils the deploy (manage.py migrate_tenants) migrates at once; 0 means up to 4, by CPU count.
TENANT_MIGRATE_PROCESSES = env.int("TENANT_MIGRATE_PROCESSES", default=0)
# PostgreSQL extensions live in one shared schema (tenants.models.EXTENSIONS_SCHEMA, created by
# setup_platform), searched after the tenant's own and public.
PG_EXTRA_SEARCH_PATHS = ["extensions"]
# django-tenants would check at start-up, with a query, that no tenant uses that schema name; but
# collectstatic runs at image build time with no database, and tenant schemas are all "t_<slug>".
SKIP_PG_EXTRA_VALIDATION = True
# Media of each tenant lives under MEDIA_ROOT/<schema_name>/.
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"

MIDDLEWARE = [
    "platform_.metrics.MetricsMiddleware",  # times every request; serves /metrics on any host
    # Probes answer on any host, before the tenant lookup (platform_/health.py).
    "platform_.health.HealthCheckMiddleware",
    "tenants.middleware.CachedTenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "platform_.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Whole public pages for readers without a session, before sessions, auth, CSRF, templates
    # and PostgreSQL (charters/page_cache.py says what is stored and why it is never stale).
    "charters.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After the tenant (it reads request.urlconf) and sessions, before CommonMiddleware (Django's
    # rule). The language comes from a cookie or Accept-Language, never a URL prefix: every
    # address printed on certificates, QR codes, badges and emails stays as it is.
    "platform_.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the signed-in person's row kept in the cache under the council's data
    # generation (platform_/accounts/session_user.py).
    "platform_.accounts.session_user.AuthenticationMiddleware",
    # As early as it can be: it needs the tenant and the signed-in person, and must refuse an
    # oversized body before anything reads it (CSRF reads the form only in process_view, later).
    "platform_.request_limits.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After allauth's: signs out officers and assessors whose session did not come through the
    # council's own sign-in when the council requires it (platform_/accounts/sso_enforcement.py).
    "platform_.accounts.sso_enforcement.StaffSSOMiddleware",
    # The sign-in page's SSO button may lead to the council's provider (form-action).
    "platform_.accounts.sso_csp.SSOFormActionMiddleware",
    "tenants.middleware.TenantLifecycleMiddleware",
    # After the tenant and the signed-in person: a council may require its officers and
    # assessors to use two-step sign-in (platform_/accounts/two_factor.py).
    "platform_.accounts.two_factor.TwoFactorRuleMiddleware",
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/cocharter")
}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
# Persistent connections: measured 4x the throughput of a new connection per request (DESIGN §10).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        # Redis down is an empty cache, not a failed page: everything cached can be rebuilt from
        # the database (platform_/cache.py says what each operation does then).
        "BACKEND": "platform_.cache.DegradingRedisCache",
        "LOCATION": REDIS_URL,
        # Short timeouts, so a Redis that does not answer costs a fraction of a second, not the
        # operating system's minute; a refused connection fails at once anyway.
        "OPTIONS": {
            "socket_connect_timeout": env.float("CACHE_CONNECT_TIMEOUT", default=0.25),
            "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
        },
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="cocharter"),
        # Every key carries the current schema name, so tenants never read each other's entries.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# What was deployed (the image's commit, a build argument): with the static files' manifest, it
# keeps pages kept in the cache per release (platform_/release.py).
RELEASE = env("RELEASE", default="")
# Signed-in people's rows and chosen signed-in pages kept in the cache under the council's data
# generation, which every committed write moves on (platform_/data_generation.py,
# platform_/accounts/session_user.py, charters/signed_in_page_cache.py).
SIGNED_IN_CACHE = env.bool("SIGNED_IN_CACHE", default=True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Accounts (django-allauth) --------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SIGNUP_FORM_CLASS = "platform_.accounts.forms.SignupDetailsForm"
# Two sign-ups with one address at the same moment: the second is told to check its email, as
# for any taken address, instead of meeting the database's unique email as a 500.
ACCOUNT_FORMS = {"signup": "platform_.accounts.signup.RaceSafeSignupForm"}
ACCOUNT_ADAPTER = "platform_.accounts.adapter.TenantAccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CoCharter"
# While a council requires two-step sign-in, its officers and assessors keep their last factor.
MFA_ADAPTER = "platform_.accounts.two_factor.TwoFactorAdapter"
SOCIALACCOUNT_PROVIDERS: dict = {}
# Each council's own OpenID Connect provider, kept in its schema (platform_/accounts/sso.py).
# People are matched by a verified email only; the adapter refuses an unverified one.
SOCIALACCOUNT_ADAPTER = "platform_.accounts.sso_adapter.CouncilSocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
# Issuer URLs officers enter must be https on public addresses; development and tests run a
# provider on localhost.
SSO_ALLOW_LOCAL_ISSUERS = env.bool("SSO_ALLOW_LOCAL_ISSUERS", default=False)
INVITATION_VALID_DAYS = 14

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Throttles on the project's own actions (platform_.ratelimit) --------------------------------
# allauth's syntax: amount/period/per, per "user" (the signed-in person) or "ip" (their client).
# Registering and asking to join are rare for a real person; the duplicate-name check and join
# pages must not be a fast way to probe which organisations exist.
RATE_LIMITS = {
    "charters.register_organisation": "5/h/user,20/h/ip",
    "charters.join_organisation": "10/h/user,30/h/ip",
    # Public, no sign-in: per client address. Enough for a family sharing a connection, not
    # for flooding officers' inboxes or guessing certificate numbers.
    "accreditation.raise_concern": "5/h/ip",
    "accreditation.lookup_certificate": "30/m/ip,300/h/ip",
    # A council signs up once; each attempt holds a subdomain and opens a Stripe checkout.
    "billing.signup": "10/h/ip",
}

# --- Templates and forms --------------------------------------------------------------------------
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
                "platform_.context_processors.branding",
                # Trial, overdue and suspended notices on a council's pages; the test-mode label.
                "platform_.billing.context_processors.billing",
            ],
        },
    }
]
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# crispy-forms-gds styles only text, email and password inputs as GOV.UK inputs; dates, numbers
# and web addresses were left as bare browser inputs, with no GOV.UK border or yellow focus state
# (the browser journey's keyboard check found the pledge's target date showing only a 1px ring).
CRISPY_CLASS_CONVERTERS = {
    "dateinput": "govuk-input",
    "datetimeinput": "govuk-input",
    "numberinput": "govuk-input",
    "urlinput": "govuk-input",
    "fileinput": "govuk-file-upload",
}

# --- Static and media files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# static/build holds GOV.UK Frontend compiled from its npm package by `make assets`.
STATICFILES_DIRS = [BASE_DIR / "static" / "build"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media")))
STORAGES = {
    # Django 5.1+ reads STORAGES only; the tenant storage prefixes every path with the schema name.
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    # Files of the platform itself (tenant logos), under MEDIA_ROOT/platform/ whatever the schema.
    "platform": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT / "platform", "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Request bodies (platform_.request_limits) ----------------------------------------------------
# Whole bodies, checked against Content-Length before anything is read: a sign-in or sign-up
# form is a few KB; signed-in forms carry a principle's picture (2 MB) or a logo (1 MB). Pages
# that take evidence allow the council's own file limit plus REQUEST_BODY_FORM_MARGIN for the
# fields around the file. The proxy in front refuses more than any of these (infra/proxy/).
REQUEST_BODY_LIMIT_ANONYMOUS = env.int("REQUEST_BODY_LIMIT_ANONYMOUS", default=1024 * 1024)
REQUEST_BODY_LIMIT_SIGNED_IN = env.int("REQUEST_BODY_LIMIT_SIGNED_IN", default=10 * 1024 * 1024)
REQUEST_BODY_FORM_MARGIN = 256 * 1024
# Django's own limits: form fields held in memory, how many fields and files one form may have.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# Files up to this size stay in memory; larger ones are written to FILE_UPLOAD_TEMP_DIR (the
# system's temporary directory unless set) as they arrive, after the counting handler.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR", default=None)
FILE_UPLOAD_HANDLERS = [
    "platform_.request_limits.BodyLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Email ----------------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / ".data" / "mail"))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
# A relay that wants a login (Kubernetes takes the password from its Secret; infra/k8s/).
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CoCharter <no-reply@cocharter.localhost>")
# Where people write to the platform team: its own pages (a council's pages name the council's),
# and when online sign up is off or a sign up failed.
PLATFORM_CONTACT_EMAIL = env("PLATFORM_CONTACT_EMAIL", default=f"support@{PLATFORM_DOMAIN}")
# A sender that claimed an email and then vanished (killed mid-send) holds it this long before the
# sweep may send it again, with the same Message-ID. Longer than any SMTP conversation.
OUTBOX_CLAIM_TIMEOUT_SECONDS = env.int("OUTBOX_CLAIM_TIMEOUT_SECONDS", default=15 * 60)

# --- Background work (Celery, tenant-aware) -------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="cocharter")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Queueing happens inside requests (after commit), so with the broker down it must give up fast:
# two tries 0.1 s apart, and a connect timeout well under a second. What is not queued is logged
# and counted (platform_/background.py); emails are sent later by the outbox sweep.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.1,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 0.5
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 2.0}
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/London"  # beat runs daily reminders at UK times
CELERY_BEAT_SCHEDULER = "platform_.celery_beat.TenantBeatScheduler"
CELERY_BEAT_SCHEDULE = {
    # Sends again every email whose task was lost (broker down at commit, worker gone). No
    # tenant_schemas key: tenant-schemas-celery sends it once to every tenant schema.
    "outbox-sweep": {"task": "outbox.sweep_unsent", "schedule": 300.0},
    # The platform's own emails (staff password resets) wait in the public schema's outbox.
    "outbox-sweep-platform": {
        "task": "outbox.sweep_unsent",
        "schedule": 300.0,
        "tenant_schemas": ["public"],
    },
    # Daily, early morning: 7-day and 1-day reminders before a round closes, once each.
    "accreditation-deadline-reminders": {
        "task": "accreditation.send_deadline_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    # Awards kept for a ceremony become public together once its time comes.
    "accreditation-release-awards": {
        "task": "accreditation.release_due_awards",
        "schedule": 120.0,
    },
    # Daily, just after midnight: awards whose Charter Status ended are recorded (audit log) and
    # announced (award.expired webhooks), once each.
    "accreditation-announce-expired": {
        "task": "accreditation.announce_expired_awards",
        "schedule": crontab(hour=0, minute=20),
    },
    # Webhook deliveries whose task was lost (broker down at commit) or whose retry is due.
    # Every 5 minutes like the email outbox: retries are queued with their own countdown, so
    # this only catches sends the broker lost, and one task per council per minute would be a
    # thousand a minute at a thousand councils.
    "webhooks-sweep": {"task": "webhooks.sweep_due_deliveries", "schedule": 300.0},
    # Daily: 90, 30 and 7 days before Charter Status ends, once each.
    "accreditation-expiry-reminders": {
        "task": "accreditation.send_expiry_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    # Stripe events stored but never processed (the broker was down when they came): again.
    "billing-requeue-events": {
        "task": "billing.requeue_unprocessed_events",
        "schedule": 300.0,
        "tenant_schemas": ["public"],
    },
    # Daily: councils overdue beyond BILLING_PAST_DUE_GRACE_DAYS become read-only (each read
    # from Stripe first, in case a payment's webhook was lost).
    "billing-suspend-overdue": {
        "task": "billing.suspend_overdue_tenants",
        "schedule": crontab(hour=6, minute=0),
        "tenant_schemas": ["public"],
    },
    # Daily: councils cancelled more than BILLING_CANCELLED_CLOSE_AFTER_DAYS ago close.
    "billing-close-cancelled": {
        "task": "billing.close_cancelled_tenants",
        "schedule": crontab(hour=6, minute=10),
        "tenant_schemas": ["public"],
    },
    # Daily: export zips older than EXPORT_RETENTION_DAYS are deleted (serving tenants only).
    "exports-expire": {"task": "exports.expire_exports", "schedule": crontab(hour=3, minute=30)},
    # Daily, in public: closed councils past TENANT_CLOSED_RETENTION_DAYS lose their schema and
    # files (tenants.services.drop_tenant_schema); the Tenant row stays as the record.
    "tenants-drop-closed": {
        "task": "tenants.drop_closed_tenants",
        "schedule": crontab(hour=3, minute=0),
        "tenant_schemas": ["public"],
    },
    # Every minute, in public: SPARE_SCHEMAS council schemas cloned ahead (tenants/spares.py),
    # stale ones (an older template) dropped. Also queued after each sign up takes one.
    "tenants-refill-spares": {
        "task": "tenants.refill_spare_schemas",
        "schedule": 60.0,
        "tenant_schemas": ["public"],
    },
}

# Council schemas cloned ahead of sign ups (tenants/spares.py): a new council's schema is then a
# rename, not ~281 new files. Each spare is an empty council's size (~3.5 MB). 0 turns them off.
SPARE_SCHEMAS = env.int("SPARE_SCHEMAS", default=2)

# --- Certificates ---------------------------------------------------------------------------------
# Encrypts each council's signing key at rest (a Fernet key: 32 url-safe base64 bytes). Empty in
# development and tests, where one is derived from SECRET_KEY; production refuses to start
# without its own.
CERTIFICATE_KEY_ENCRYPTION_KEY = env("CERTIFICATE_KEY_ENCRYPTION_KEY", default="")

# --- Billing (Stripe) -----------------------------------------------------------------------------
# No key: billing is off, and platform staff create councils with `create_council`.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Set in development and tests to the local fake Stripe server (infra/dev/fake_stripe.py).
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
# Days an overdue council keeps full access before it becomes read-only.
BILLING_PAST_DUE_GRACE_DAYS = env.int("BILLING_PAST_DUE_GRACE_DAYS", default=14)
# Days a cancelled council stays read-only (public pages and verification working) before it
# closes; then days a closed council's officers have to download its export before the schema
# is dropped.
BILLING_CANCELLED_CLOSE_AFTER_DAYS = env.int("BILLING_CANCELLED_CLOSE_AFTER_DAYS", default=30)
TENANT_CLOSED_RETENTION_DAYS = env.int("TENANT_CLOSED_RETENTION_DAYS", default=90)

# --- Data exports (platform_.exports) -------------------------------------------------------------
# Days a council's export zip is kept before beat deletes it (a closed council's are kept until
# its data is deleted: beat runs nothing in a closed tenant). At most this many exports a day.
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)
EXPORTS_PER_DAY = env.int("EXPORTS_PER_DAY", default=5)
# Where the zip is written while it is built (the system's temporary folder if empty): it needs
# room for the council's largest export once.
EXPORT_TMP_DIR = env("EXPORT_TMP_DIR", default="") or None

# --- Outgoing webhooks (platform_.webhooks) -------------------------------------------------------
# Plain http endpoints, and endpoints on private or loopback addresses, are refused in production
# (server-side request forgery: the worker sits inside our network). Development and tests turn
# both on, to deliver to receivers on localhost.
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=False)
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)
# Seconds to connect, and to wait for each read of the answer.
WEBHOOKS_CONNECT_TIMEOUT = env.float("WEBHOOKS_CONNECT_TIMEOUT", default=3.0)
WEBHOOKS_READ_TIMEOUT = env.float("WEBHOOKS_READ_TIMEOUT", default=10.0)

# --- REST API (platform_.api; README "API") -------------------------------------------------------
# JSON only: DRF's browsable pages need inline scripts, which the CSP forbids; the interactive
# docs are Swagger UI at /api/v1/schema/docs/.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["platform_.api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [
        "platform_.api.throttling.AddressThrottle",
        "platform_.api.throttling.ApiKeyThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "platform_.api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CoCharter API",
    "DESCRIPTION": (
        "A council's charter, register and Charter Status awards (public, read only), and with "
        "the council's API key its organisations, signatures, applications, awards, "
        "invitations and data exports. Errors are RFC 9457 problem details."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatusEnum": "accreditation.enums.ApplicationStatus",
        "AwardStatusEnum": "accreditation.enums.AwardStatus",
        "InvitationRoleEnum": "platform_.accounts.enums.Role",
    },
}
# Requests per key and per client address: DRF's rate syntax, amount/second|minute|hour|day.
# Read when a request is counted, so the throttle tests can turn them on (test.py empties them).
API_RATE_LIMITS = {
    "key": env("API_RATE_LIMIT_KEY", default="1200/hour"),
    "address": env("API_RATE_LIMIT_ADDRESS", default="600/hour"),
}

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
# The switcher in every page's header offers these (platform_.views.LanguageView); each is named
# in its own language, as people look for their own.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True  # nothing in the page reads it
# Our own catalogues come before the apps': locale/en_GB gives allauth's strings our words
# (sentence case, British English); locale/cy is the Welsh of our pages, allauth's and emails.
# The compiled .mo files are committed, so installing needs no GNU gettext; `make messages`
# compiles them again and a test fails when one is stale.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Security headers -----------------------------------------------------------------------------
# Whole public pages served from the cache to readers without a session (charters/page_cache.py).
PUBLIC_PAGE_CACHE = env.bool("PUBLIC_PAGE_CACHE", default=True)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

# --- Health and metrics (platform_.health, platform_.metrics; README "Health and metrics") --------
# A broker outage delays background work (the outbox sweeps up what was not queued), so by default
# /readyz reports it without taking every web pod out of service; set this to make it unready.
READYZ_REQUIRES_BROKER = env.bool("READYZ_REQUIRES_BROKER", default=False)
# /metrics answers a bearer token or an address in these networks (CIDR); with neither, it is off.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
