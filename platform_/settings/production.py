"""Production settings. Refuses to start with DEBUG on or the development SECRET_KEY."""

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .base import *
from .base import INSECURE_DEFAULT_SECRET_KEY, env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)

if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a long random value in production "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

if not CERTIFICATE_KEY_ENCRYPTION_KEY:
    raise ImproperlyConfigured(
        "CERTIFICATE_KEY_ENCRYPTION_KEY must be set in production: it encrypts the councils' "
        "signing keys (python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())')."
    )

try:
    Fernet(CERTIFICATE_KEY_ENCRYPTION_KEY)
except ValueError as error:
    raise ImproperlyConfigured(
        "CERTIFICATE_KEY_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes)."
    ) from error

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
SITE_SCHEME = "https"
SITE_PORT_SUFFIX = env("SITE_PORT_SUFFIX", default="")
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")

# --- HTTPS behind the proxy -----------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Outgoing webhooks: https to public addresses only (platform_/webhooks/transport.py) ---------
if WEBHOOKS_ALLOW_HTTP or WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
    raise ImproperlyConfigured(
        "WEBHOOKS_ALLOW_HTTP and WEBHOOKS_ALLOW_PRIVATE_ADDRESSES are for development and tests"
        " only."
    )

# --- SSO: officers may point the platform only at https issuers on public addresses -------------
if SSO_ALLOW_LOCAL_ISSUERS:
    raise ImproperlyConfigured("SSO_ALLOW_LOCAL_ISSUERS is for development and tests only.")
