import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.local")

application = get_wsgi_application()

# Said at every start: without a suitable pg_dump, new councils silently fall back to migrating.
from tenants.health import warn_if_cloning_unavailable  # noqa: E402 (needs the apps loaded)

warn_if_cloning_unavailable()
