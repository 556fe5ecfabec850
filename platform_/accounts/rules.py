"""Who may do what in a tenant: the one place role checks live.

Views ask ``user.has_perm("<permission>")`` (through ``RoleRequiredMixin``); the permission names
below are the vocabulary, and tests/accounts/test_roles.py checks every role against every one.
"""

import rules
from django.db import connection


@rules.predicate
def is_on_tenant_site(user) -> bool:
    # Tenant roles mean nothing on the platform host, whatever the public-schema user row says.
    return connection.schema_name != "public"


@rules.predicate
def is_council_officer(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_council_officer


@rules.predicate
def is_assessor(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_assessor


@rules.predicate
def is_organisation_member(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_organisation_member


@rules.predicate
def is_platform_staff(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_staff


# Tenant areas (DESIGN §11): /manage/, /assess/, /org/.
rules.add_perm("tenant.manage", is_on_tenant_site & is_council_officer)
rules.add_perm("tenant.invite_people", is_on_tenant_site & is_council_officer)
rules.add_perm("tenant.assess", is_on_tenant_site & is_assessor)
rules.add_perm("tenant.use_organisation_area", is_on_tenant_site & is_organisation_member)
# The platform console at the platform host.
rules.add_perm("platform.operate", ~is_on_tenant_site & is_platform_staff)

TENANT_PERMISSIONS = [
    "tenant.manage",
    "tenant.invite_people",
    "tenant.assess",
    "tenant.use_organisation_area",
]
