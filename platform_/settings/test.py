"""Settings for the pytest suite: real PostgreSQL and Redis, fast hashing, mail kept in memory."""

import hashlib
import uuid

from .base import *
from .base import env

DEBUG = False
# One test database per checkout, so two checkouts (or CI beside a developer) running tests on
# the same server never drop each other's database.
_CHECKOUT = hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]  # noqa: S324 (a name, not security)
DATABASES["default"]["TEST"] = {"NAME": f"test_cocharter_{_CHECKOUT}"}
SECRET_KEY = "test-only-secret-key-not-for-production-0123456789"  # noqa: S105 (tests only)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
# Unit tests run tasks inline; tests/integration starts a real worker and turns this off.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
# A fresh prefix and queue per run: a stale cached tenant from an earlier run (same host, other
# primary key) is never read, and a `make run` worker on the same Redis never takes test tasks.
_RUN_ID = uuid.uuid4().hex[:10]
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default=f"cocharter-test-{_RUN_ID}")
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default=f"cocharter-test-{_RUN_ID}")
# No spare schemas: provisioning clones, as the suite expects; tests/tenants/test_spares.py turns
# them on for itself.
SPARE_SCHEMAS = 0
# Server processes started by the tests serve static files straight from static/build.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Throttles are counted in the cache, which rolled-back tests do not reset; the tests of
# throttling turn them on for themselves.
ACCOUNT_RATE_LIMITS = False
RATE_LIMITS: dict[str, str] = {}
API_RATE_LIMITS: dict[str, str] = {}
# Whole public pages are cached under a generation that services bump on commit, which tests in a
# rolled-back transaction never reach, and entries would outlive the test that made them; the
# tests of the page cache (tests/charters/test_page_cache.py) turn it on and commit their changes.
PUBLIC_PAGE_CACHE = False
# The same for signed-in people's rows and pages (kept under a generation that commits move on):
# their tests turn it on, and so does the browser tests' server, whose changes really commit.
SIGNED_IN_CACHE = env.bool("SIGNED_IN_CACHE", default=False)
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "test-media")))
STORAGES["platform"]["OPTIONS"]["location"] = MEDIA_ROOT / "platform"
SITE_PORT_SUFFIX = env("SITE_PORT_SUFFIX", default="")

# --- A throwaway tenant app for the cloning tests -------------------------------------------------
# Its migration creates the objects a schema clone most easily gets wrong (tests/tenants/driftapp),
# so the template of every test run holds them and every provisioned test tenant is checked.
TENANT_APPS = [*TENANT_APPS, "tests.tenants.driftapp"]
INSTALLED_APPS = [*INSTALLED_APPS, "tests.tenants.driftapp"]

# --- Outgoing webhooks: the tests' receivers listen on 127.0.0.1 --------------------------------
# The refusals are tested with these turned off (override_settings).
WEBHOOKS_ALLOW_HTTP = True
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
WEBHOOKS_CONNECT_TIMEOUT = 1.0
WEBHOOKS_READ_TIMEOUT = 1.0

# --- SSO: the tests' OpenID Connect provider listens on 127.0.0.1 (tests/oidc_provider) ---------
SSO_ALLOW_LOCAL_ISSUERS = True
