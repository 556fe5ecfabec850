"""Every CoCharter task retries a lost database (the real outage is in test_postgres_restart)."""

from django.db import InterfaceError, OperationalError

from platform_ import celery_app
from platform_.tasks import DatabaseRetryTask


def test_every_project_task_retries_on_database_errors_with_backoff():
    celery_app.loader.import_default_modules()  # the autodiscovered task modules
    tasks = {
        name: task for name, task in celery_app.tasks.items() if not name.startswith("celery.")
    }

    assert {"outbox.send_email", "outbox.sweep_unsent"} <= tasks.keys()
    for name, task in tasks.items():
        assert isinstance(task, DatabaseRetryTask), f"{name} does not use DatabaseRetryTask"
        assert set(task.autoretry_for) == {OperationalError, InterfaceError}, name
        # Celery wraps run() for autoretry only when the class asks for it at registration.
        assert hasattr(task, "_orig_run"), name
        assert (task.retry_backoff, task.retry_backoff_max, task.retry_jitter) == (2, 300, True)
    # The email task keeps its own, smaller budget (its SMTP retries count against it too).
    assert tasks["outbox.send_email"].max_retries == 6
    assert tasks["outbox.sweep_unsent"].max_retries == 10
