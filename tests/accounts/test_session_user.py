"""The signed-in person's row from the cache (platform_/accounts/session_user.py): read from
PostgreSQL once, then from Redis while the council's data generation stands; every committed
change to the person is seen on their next request; Django's own checks (the session's hash,
fallback secret keys, inactive people, backends no longer configured) hold as before."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from platform_ import data_generation
from platform_.accounts.models import User
from tests.helpers import committed, login, make_user

PAGE = "/org/"  # any page for signed-in people


@pytest.fixture(autouse=True)
def signed_in_cache_on(settings, tenant_a, tenant_b):
    settings.SIGNED_IN_CACHE = True
    for tenant in (tenant_a, tenant_b):
        data_generation.bump(tenant.schema_name)


def user_queries(client, path=PAGE) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code in (200, 302, 403)
    # The person's own row, by its key (other queries of a page may count people).
    own_row = 'FROM "accounts_user" WHERE "accounts_user"."id" = '
    return sum(own_row in q["sql"] for q in queries.captured_queries)


def signed_in(client) -> bool:
    return client.get(PAGE).status_code == 200


def test_the_row_is_read_once_then_from_the_cache(client_a, tenant_a, officer_a):
    login(client_a, tenant_a, officer_a)
    assert user_queries(client_a) == 1
    assert user_queries(client_a) == 0
    assert user_queries(client_a) == 0


def test_a_committed_change_to_the_person_is_read_again(client_a, tenant_a, officer_a):
    login(client_a, tenant_a, officer_a)
    client_a.get(PAGE)
    with tenant_context(tenant_a), committed():
        officer_a.full_name = "Carole Singh-Jones"
        officer_a.save(update_fields=["full_name"])
    assert user_queries(client_a) == 1


def test_a_deactivated_person_is_signed_out_at_once(client_a, tenant_a, officer_a):
    login(client_a, tenant_a, officer_a)
    assert signed_in(client_a)
    with tenant_context(tenant_a), committed():
        officer_a.is_active = False
        officer_a.save(update_fields=["is_active"])
    assert not signed_in(client_a)


def test_a_new_password_signs_other_sessions_out_at_once(client_a, tenant_a, officer_a):
    login(client_a, tenant_a, officer_a)
    assert signed_in(client_a)
    with tenant_context(tenant_a), committed():
        officer_a.set_password("a-brand-new-password-1")
        officer_a.save(update_fields=["password"])
    assert not signed_in(client_a)


def test_a_deleted_person_is_nobody(client_a, tenant_a):
    person = make_user(tenant_a, "leaving@alpha.test")
    login(client_a, tenant_a, person)
    assert signed_in(client_a)
    with tenant_context(tenant_a), committed():
        person.delete()
    assert not signed_in(client_a)


def test_a_session_whose_hash_does_not_match_is_flushed(client_a, tenant_a, officer_a):
    login(client_a, tenant_a, officer_a)
    assert signed_in(client_a)  # the row is kept now
    with tenant_context(tenant_a):
        session = client_a.session
        session[HASH_SESSION_KEY] = "not-the-hash"
        session.save()
    assert not signed_in(client_a)
    with tenant_context(tenant_a):
        assert client_a.session.get(HASH_SESSION_KEY) is None


def test_a_backend_no_longer_configured_signs_nobody_in(client_a, tenant_a, officer_a):
    login(client_a, tenant_a, officer_a)
    assert signed_in(client_a)
    with tenant_context(tenant_a):
        session = client_a.session
        session[BACKEND_SESSION_KEY] = "some.removed.Backend"
        session.save()
    assert not signed_in(client_a)


def test_a_session_from_before_a_key_rotation_is_moved_to_the_new_key(
    client_a, tenant_a, officer_a, settings
):
    login(client_a, tenant_a, officer_a)
    assert signed_in(client_a)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-for-this-test-only-0123456789abcdef"
    assert signed_in(client_a)
    with tenant_context(tenant_a):
        assert client_a.session[HASH_SESSION_KEY] == officer_a.get_session_auth_hash()


def test_twin_councils_never_share_a_row(client_a, client_b, tenant_a, tenant_b):
    """The same primary key in both councils, an officer in A and nobody special in B: each
    host gets its own council's person, cached or not."""
    alpha = make_user(tenant_a, "twin@alpha.test", is_council_officer=True)
    with tenant_context(tenant_b):
        beta = User.objects.create_user(email="twin@beta.test", password="x" * 12, pk=alpha.pk)
    login(client_a, tenant_a, alpha)
    login(client_b, tenant_b, beta)
    assert user_queries(client_a, "/manage/") == 1  # A's row, kept under A's schema
    assert user_queries(client_b, "/manage/") == 1  # B's own row, not A's kept one
    for _ in range(2):
        assert client_a.get("/manage/").status_code == 200
        assert client_b.get("/manage/").status_code == 403


def test_while_redis_cannot_be_read_the_row_comes_from_postgresql(client_a, tenant_a, officer_a):
    login(client_a, tenant_a, officer_a)
    client_a.get(PAGE)
    outage = cache._outage
    outage.down_since, outage.retry_at = time.monotonic(), time.monotonic() + 60
    try:
        assert user_queries(client_a) == 1
        assert user_queries(client_a) == 1
    finally:
        outage.down_since, outage.retry_at = None, 0.0
