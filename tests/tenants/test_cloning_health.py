"""A deployment that cannot clone says so: the version rule in find_pg_dump, the start-up log line,
the system check tenants.W001, and /readyz's ``cloning`` and ``template`` entries."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import connection
from django.test import Client

from tenants import schema_cloning
from tenants.health import check_cloning_available, warn_if_cloning_unavailable
from tenants.models import TEMPLATE_SCHEMA_NAME


def fake_pg_dump(directory, major: int) -> str:
    path = directory / f"pg_dump{major}"
    path.write_text(f"#!/bin/sh\necho 'pg_dump (PostgreSQL) {major}.4 (Debian {major}.4-1)'\n")
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def candidates(monkeypatch):
    """Only the pg_dumps a test names are found (in that order), whatever the machine has."""
    found: list[str] = []
    monkeypatch.setattr(schema_cloning, "_pg_dump_candidates", lambda server_major: iter(found))
    return found


@pytest.fixture
def no_pg_dump(candidates) -> None:
    """No pg_dump found at all."""


def test_find_pg_dump_refuses_a_client_older_than_the_server(tmp_path, candidates):
    candidates.append(fake_pg_dump(tmp_path, 15))

    with pytest.raises(schema_cloning.SchemaCloneUnavailable) as refused:
        schema_cloning.find_pg_dump(16)

    assert str(refused.value) == (
        f"No pg_dump for PostgreSQL 16 or newer (found: {candidates[0]} (15)); "
        "install that client or set PG_DUMP to its path."
    )


def test_find_pg_dump_passes_over_an_old_client_to_a_newer_one(tmp_path, candidates):
    candidates.extend([fake_pg_dump(tmp_path, 15), fake_pg_dump(tmp_path, 17)])

    assert schema_cloning.find_pg_dump(16) == candidates[1]


def test_find_pg_dump_takes_a_client_of_the_server_major(tmp_path, candidates):
    candidates.extend([str(tmp_path / "missing"), fake_pg_dump(tmp_path, 16)])

    assert schema_cloning.find_pg_dump(16) == candidates[1]


def test_pg_dump_setting_is_tried_first(tmp_path, settings):
    settings.PG_DUMP = fake_pg_dump(tmp_path, 99)

    assert schema_cloning.find_pg_dump(16) == settings.PG_DUMP


def test_readiness_reports_cloning_and_a_current_template(db):
    schema_cloning.current_template_snapshot()

    response = Client(HTTP_HOST="10.0.0.5").get("/readyz")

    assert response.status_code == 200
    assert json.loads(response.content) == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "cloning": "ok",
        "template": "current",
    }


def test_readiness_shows_cloning_unavailable_without_making_the_process_unready(db, no_pg_dump):
    response = Client(HTTP_HOST="localhost").get("/readyz")

    assert response.status_code == 200
    assert json.loads(response.content)["cloning"] == "unavailable"


def test_readiness_shows_a_template_behind_the_migrations_on_disk_as_stale(db):
    schema_cloning.current_template_snapshot()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TEMPLATE_SCHEMA_NAME}.django_migrations "
            "WHERE app = 'driftapp' AND name = '0001_initial'"
        )

    response = Client(HTTP_HOST="localhost").get("/readyz")

    assert json.loads(response.content)["template"] == "stale"


def test_readiness_shows_a_template_without_its_snapshot_as_stale(db):
    schema_cloning.TemplateSnapshot.objects.all().delete()

    response = Client(HTTP_HOST="localhost").get("/readyz")

    assert json.loads(response.content)["template"] == "stale"


def test_system_check_warns_when_cloning_is_unavailable(db, no_pg_dump):
    messages = check_cloning_available(databases=["default"])

    assert [(message.id, message.level) for message in messages] == [
        ("tenants.W001", logging.WARNING)
    ]
    assert messages[0].msg.startswith("New councils cannot be cloned from the template")


def test_system_check_waits_for_checks_that_may_use_the_database(db, no_pg_dump):
    assert check_cloning_available(databases=None) == []


def test_system_check_passes_with_a_suitable_pg_dump(db):
    assert check_cloning_available(databases=["default"]) == []


def test_start_up_logs_an_error_when_cloning_is_unavailable(
    django_db_setup, django_db_blocker, no_pg_dump, caplog
):
    # No test transaction: the start-up check closes its connection, as before a server forks.
    with django_db_blocker.unblock(), caplog.at_level(logging.ERROR, logger="tenants.health"):
        problem = warn_if_cloning_unavailable()

    assert problem.startswith("No pg_dump for PostgreSQL")
    assert [record.getMessage() for record in caplog.records] == [
        "New councils cannot be cloned from the template and will be migrated from zero instead "
        f"(about 6x slower): {problem}"
    ]


def test_start_up_is_quiet_when_cloning_works(django_db_setup, django_db_blocker, caplog):
    with django_db_blocker.unblock(), caplog.at_level(logging.ERROR, logger="tenants.health"):
        assert warn_if_cloning_unavailable() is None

    assert caplog.records == []
