"""Development settings: `make run` and `manage.py` by hand."""

import environ

from .base import *
from .base import BASE_DIR, env

# The port `make run` serves on (infra/dev/run.py writes it), so links and the address
# create_council prints match it when manage.py is run by hand. Development only: tests build
# links without a port.
environ.Env.read_env(BASE_DIR / ".data" / "site.env", overwrite=False)
SITE_PORT_SUFFIX = env("SITE_PORT_SUFFIX", default=":8000")

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Development mail lands as files under .data/mail/ unless EMAIL_BACKEND says otherwise.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# `make run` serves with gunicorn, which (unlike runserver) serves no static files itself:
# WhiteNoise serves them straight from static/build, with DEBUG off too, no collectstatic.
WHITENOISE_USE_FINDERS = True
# Webhook receivers on this machine (http://localhost:...) are allowed in development only.
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=True)
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=True)
# A development OpenID Connect provider may run on localhost (platform_/accounts/sso.py).
SSO_ALLOW_LOCAL_ISSUERS = env.bool("SSO_ALLOW_LOCAL_ISSUERS", default=True)
