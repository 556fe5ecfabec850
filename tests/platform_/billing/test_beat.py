"""Billing's periodic tasks: scheduled, registered, and sent to the public schema only."""

from django.conf import settings

from platform_.celery import app


def test_billing_beat_entries_run_registered_tasks_in_public():
    app.loader.import_default_modules()
    entries = {
        name: entry
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"].startswith("billing.")
    }
    assert sorted(entry["task"] for entry in entries.values()) == [
        "billing.close_cancelled_tenants",
        "billing.requeue_unprocessed_events",
        "billing.suspend_overdue_tenants",
    ]
    assert all(entry["task"] in app.tasks for entry in entries.values())
    assert all(entry["tenant_schemas"] == ["public"] for entry in entries.values())
