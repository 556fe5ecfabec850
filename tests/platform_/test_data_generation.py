"""A council's data generation (platform_/data_generation.py): moved on once by every committed
write to its schema, whatever wrote it; never before the commit, never by reads, by session rows
or by another council's writes; never back to a number an entry may carry."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection, transaction
from django_tenants.utils import schema_context, tenant_context

from charters.models import Organisation
from platform_ import data_generation
from platform_.accounts.models import User
from platform_.api.services import record_use
from tenants.services import provision_tenant
from tests.factories import OrganisationFactory, UserFactory
from tests.fixtures.api import issue_key


def generation(tenant) -> int:
    with tenant_context(tenant):
        value, _entry = data_generation.read_with("unused")
    return value


@pytest.fixture
def organisation(tenant_a):
    with tenant_context(tenant_a):
        return OrganisationFactory(name="Oakfield Primary School")


def _save(organisation):
    organisation.name = "Oakfield Primary"
    organisation.save(update_fields=["name"])


def _update(organisation):
    Organisation.objects.filter(pk=organisation.pk).update(name="Oakfield")


def _delete(organisation):
    organisation.delete()


def _bulk_create(organisation):
    User.objects.bulk_create([User(email="one@alpha.test"), User(email="two@alpha.test")])


def _create(organisation):
    UserFactory(email="new@alpha.test")


def _raw_sql(organisation):
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "charters_organisation" SET "name" = %s WHERE "id" = %s',
            ["Oakfield", organisation.pk],
        )


@pytest.mark.parametrize("write", [_save, _update, _delete, _bulk_create, _create, _raw_sql])
def test_each_kind_of_committed_write_moves_its_council_on_once(
    write, tenant_a, tenant_b, organisation, django_capture_on_commit_callbacks
):
    before_a, before_b = generation(tenant_a), generation(tenant_b)
    with django_capture_on_commit_callbacks() as callbacks, tenant_context(tenant_a):
        write(organisation)
        write_again = _update if write is not _delete else _bulk_create
        write_again(organisation)
    assert generation(tenant_a) == before_a  # not before the commit
    for callback in callbacks:
        callback()
    assert generation(tenant_a) == before_a + 1  # once, however many writes
    assert generation(tenant_b) == before_b


def test_reads_locks_and_session_rows_change_nothing(
    tenant_a, organisation, django_capture_on_commit_callbacks
):
    before = generation(tenant_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, tenant_context(tenant_a):
        list(Organisation.objects.all())
        with transaction.atomic():
            list(Organisation.objects.select_for_update().filter(pk=organisation.pk))
        session = SessionStore()
        session["seen"] = True
        session.create()  # signing in writes one of these
        session.delete()
    assert callbacks == []
    assert generation(tenant_a) == before


def test_a_statement_that_changed_no_row_changes_nothing(
    tenant_a, django_capture_on_commit_callbacks
):
    """A periodic task's UPDATE of what is due, when nothing is, empties nobody's cache."""
    with django_capture_on_commit_callbacks() as callbacks, tenant_context(tenant_a):
        Organisation.objects.filter(name="No such organisation").update(name="x")
        Organisation.objects.filter(name="No such organisation").delete()
    assert not [c for c in callbacks if isinstance(c, data_generation._Bump)]


def test_api_key_usage_counts_are_not_counted(
    tenant_a, officer_a, django_capture_on_commit_callbacks
):
    """Every API request counts itself; an integration polling the API must not empty the
    council's cache each time (no view that keeps pages shows the counts)."""
    issued = issue_key(tenant_a, officer_a)
    with tenant_context(tenant_a):  # the key's last use, written at most once a minute, counts
        record_use(issued.key, method="GET", path="/api/v1/register/", status=200)
    with django_capture_on_commit_callbacks() as callbacks, tenant_context(tenant_a):
        record_use(issued.key, method="GET", path="/api/v1/register/", status=200)
        record_use(issued.key, method="GET", path="/api/v1/register/", status=429)
    assert not [c for c in callbacks if isinstance(c, data_generation._Bump)]


def test_the_public_schema_is_not_counted(tenant_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        tenant_a.contact_email = "new@alpha.test"
        tenant_a.save(update_fields=["contact_email"])
    assert not [c for c in callbacks if isinstance(c, data_generation._Bump)]


def test_a_savepoint_rolled_back_drops_only_its_own_writes(
    tenant_a, organisation, django_capture_on_commit_callbacks
):
    before = generation(tenant_a)
    with (
        django_capture_on_commit_callbacks(execute=True),
        tenant_context(tenant_a),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _update(organisation)
        raise RuntimeError("the change failed")
    assert generation(tenant_a) == before  # nothing committed

    with (
        django_capture_on_commit_callbacks(execute=True),
        tenant_context(tenant_a),
        transaction.atomic(),
    ):
        _update(organisation)  # kept
        with pytest.raises(RuntimeError), transaction.atomic():
            _save(organisation)  # its callback is dropped with the savepoint
            raise RuntimeError("the inner change failed")
    assert generation(tenant_a) == before + 1


def test_each_commit_moves_it_on_again(tenant_a, organisation, django_capture_on_commit_callbacks):
    before = generation(tenant_a)
    with tenant_context(tenant_a):
        _update(organisation)  # in the test's transaction, never committed
        for expected in (before + 1, before + 2):
            with django_capture_on_commit_callbacks(execute=True):
                _save(organisation)
            assert generation(tenant_a) == expected


def test_a_lost_generation_never_starts_again_at_a_number_already_used(tenant_a):
    with tenant_context(tenant_a):
        for _ in range(3):
            data_generation.bump("t_alpha")
        used = generation(tenant_a)
        cache.delete(data_generation.KEY)  # Redis restarted empty, or evicted it
    assert generation(tenant_a) > used + 1_000_000


def test_every_connection_reports_its_writes():
    assert data_generation._watch in connection.execute_wrappers


def test_a_council_provisioned_under_a_schema_name_used_before_starts_afresh(
    db, django_capture_on_commit_callbacks
):
    """Entries an earlier council of that name left in Redis (a person's row at id 1) must not
    match the new council's: provisioning writes its defaults, which moves the number on."""
    with schema_context("t_gamma"):
        data_generation.bump("t_gamma")
        left, _entry = data_generation.read_with("unused")
    with django_capture_on_commit_callbacks(execute=True):
        provision_tenant(name="Gamma Council", slug="gamma", officer_email=None)
    with schema_context("t_gamma"):
        assert data_generation.read_with("unused")[0] > left


def test_a_bump_that_could_not_reach_redis_is_sent_before_the_next_read(tenant_a):
    """Redis unreachable at the commit but its data kept (a partition): the old number must not
    come back when it answers again."""
    before = generation(tenant_a)
    outage = cache._outage
    outage.down_since, outage.retry_at = time.monotonic(), time.monotonic() + 60
    try:
        data_generation.bump("t_alpha")
        assert generation(tenant_a) is None  # nothing is served from Redis meanwhile
    finally:
        outage.down_since, outage.retry_at = None, 0.0
    assert generation(tenant_a) == before + 1
