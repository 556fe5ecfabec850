"""The Django project and the platform layer (public schema).

Named ``platform_`` because a package called ``platform`` would shadow the standard-library
module of that name, and Celery (via kombu) fails at import with
``module 'platform' has no attribute 'system'``.
"""

from platform_.celery import app as celery_app

__all__ = ("celery_app",)
