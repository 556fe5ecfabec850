"""Settings for the worker and beat of tests/reliability/test_postgres_restart.py: the test
settings, with the outbox sweep sent every second so a beat tick always falls inside a restart."""

from platform_.settings.test import *  # noqa: F403 -- a settings module extends another

CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "outbox.sweep_unsent", "schedule": 1.0},
}
