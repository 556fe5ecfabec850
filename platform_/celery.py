"""The Celery app. It must be tenant-schemas-celery's CeleryApp: a plain Celery app would run every
task in the public schema without a word."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.local")

app = CeleryApp("cocharter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
