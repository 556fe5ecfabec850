"""Every model of every tenant app is in the export, or excluded with a reason."""

from django.apps import apps
from django.conf import settings

from platform_.exports.contents import EXCLUDED, TABLES


def tenant_models() -> set[str]:
    """From the app registry: every model of every app in TENANT_APPS."""
    labels = set()
    for config in apps.get_app_configs():
        if config.name in settings.TENANT_APPS:
            labels |= {model._meta.label for model in config.get_models()}
    return labels


def unexported(tables, excluded) -> set[str]:
    exported = {table.model._meta.label for table in tables if table.model is not None}
    assert exported & set(excluded) == set()
    return tenant_models() - exported - set(excluded)


def test_every_tenant_model_is_exported_or_excluded_with_a_reason():
    missing = unexported(TABLES, EXCLUDED)
    assert missing == set(), f"Add to platform_/exports/contents.py TABLES or EXCLUDED: {missing}"
    assert set(EXCLUDED) <= tenant_models()  # no stale exclusions
    assert all(reason.strip() for reason in EXCLUDED.values())


def test_the_coverage_check_fails_for_a_model_nobody_decided_about():
    without_sessions = {k: v for k, v in EXCLUDED.items() if k != "sessions.Session"}
    without_awards = [table for table in TABLES if table.name != "awards"]
    assert unexported(TABLES, without_sessions) == {"sessions.Session"}
    assert unexported(without_awards, EXCLUDED) == {"accreditation.Award"}


def test_the_coverage_check_sees_the_apps_it_must():
    models = tenant_models()
    for label in (
        "charters.Signature",
        "accreditation.Evidence",
        "accounts.User",
        "audit.AuditEvent",
        "exports.DataExport",
    ):
        assert label in models


def test_table_names_are_unique_and_each_has_a_description():
    names = [table.name for table in TABLES]
    assert len(names) == len(set(names))
    assert all(table.description for table in TABLES)


def test_secret_fields_are_left_out():
    by_model = {table.model._meta.label: table for table in TABLES if table.model is not None}
    assert "password" in by_model["accounts.User"].exclude
    assert "nonce" in by_model["accounts.Invitation"].exclude
    assert "encrypted_private_key" in by_model["accreditation.CouncilKey"].exclude
    assert "password" not in by_model["accounts.User"].columns()
