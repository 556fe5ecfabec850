"""Pages kept in the cache are kept per release (platform_/release.py): a page names its
release's hashed static files, which the next image no longer has."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from charters import public_cache
from platform_ import data_generation, release
from tests.helpers import host_of, login


@pytest.fixture
def fresh_digest():
    release.digest.cache_clear()
    yield
    release.digest.cache_clear()


def test_the_digest_follows_the_static_manifest_and_the_release(settings, tmp_path, fresh_digest):
    settings.STATIC_ROOT = tmp_path
    settings.RELEASE = ""
    without_manifest = release.digest()
    (tmp_path / release.MANIFEST).write_text('{"paths": {"css/cocharter.css": "css/a1.css"}}')
    release.digest.cache_clear()
    one = release.digest()
    (tmp_path / release.MANIFEST).write_text('{"paths": {"css/cocharter.css": "css/b2.css"}}')
    release.digest.cache_clear()
    other = release.digest()
    settings.RELEASE = "4f2c9e1"
    release.digest.cache_clear()
    tagged = release.digest()
    assert len({without_manifest, one, other, tagged}) == 4


def test_a_new_release_is_served_no_page_the_old_one_kept(
    settings, tenant_a, organisation_a, lead_a, client_a, signed_a, fresh_digest
):
    settings.PUBLIC_PAGE_CACHE = True
    settings.SIGNED_IN_CACHE = True
    data_generation.bump(tenant_a.schema_name)
    with tenant_context(tenant_a):
        public_cache.invalidate()
    member = Client(HTTP_HOST=host_of(tenant_a))
    login(member, tenant_a, lead_a)
    for client, path in ((client_a, "/charter/"), (member, "/org/")):
        client.get(path)
        assert not client.get(path).templates, path  # kept
    settings.RELEASE = "the-next-release"
    release.digest.cache_clear()
    for client, path in ((client_a, "/charter/"), (member, "/org/")):
        assert client.get(path).templates, path  # built again for the new release
