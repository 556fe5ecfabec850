from django_tenants.utils import tenant_context

from platform_.accounts.models import User
from tenants.demo import DEMO_LOGINS, DEMO_PASSWORD, ensure_demo_tenant
from tests.helpers import host_of


def test_demo_tenant_is_created_once_with_working_logins(db, client):
    tenant, created = ensure_demo_tenant()
    again, created_again = ensure_demo_tenant()

    assert (created, created_again, again.pk) == (True, False, tenant.pk)
    with tenant_context(tenant):
        officer = User.objects.get(email=DEMO_LOGINS["council officer"][0])
        assessor = User.objects.get(email=DEMO_LOGINS["assessor"][0])
    assert officer.is_council_officer and assessor.is_assessor and assessor.has_lived_experience
    staff = User.objects.get(email=DEMO_LOGINS["platform staff"][0])
    assert staff.is_superuser

    response = client.post(
        "/accounts/login/",
        {"login": DEMO_LOGINS["council officer"][0], "password": DEMO_PASSWORD},
        HTTP_HOST=host_of(tenant),
    )
    assert response.status_code == 302
