"""Twin tenants: Alpha's world in tenant A and Beta's in tenant B, at the same primary keys.

An empty tenant B proves nothing: asking A's host for an id only B has is a 404 whatever the
code does. With a row at every id in both, a missing tenant scope (wrong schema, a cache key or a
file path without the tenant) serves the other tenant's row, and the test sees "Beta" on A's host.
"""

import pytest

from tests.worlds import World, align_sequences, build_world


@pytest.fixture
def alpha_world(tenant_a, tenant_b) -> World:
    align_sequences(tenant_a, tenant_b)
    world = build_world(tenant_a, "Alpha")
    yield world
    world.delete_files(tenant_a)


@pytest.fixture
def beta_world(tenant_b, alpha_world) -> World:
    """Built after Alpha's, call for call, so every primary key matches Alpha's."""
    world = build_world(tenant_b, "Beta")
    try:
        assert world.primary_keys() == alpha_world.primary_keys()
        yield world
    finally:
        world.delete_files(tenant_b)
