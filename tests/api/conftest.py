import pytest
from django_tenants.utils import tenant_context

from charters import public_cache


@pytest.fixture(autouse=True)
def _fresh_public_cache(tenant_a, tenant_b):
    """Rows made by factories bump no cache generation, and rolled-back tests leave their
    cached answers behind: each test starts on a new generation in both councils."""
    for tenant in (tenant_a, tenant_b):
        with tenant_context(tenant):
            public_cache.invalidate()
