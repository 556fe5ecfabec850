"""Selectors whose answers are kept: the current version's number follows each publication."""

from django_tenants.utils import schema_context, tenant_context

from charters import public_cache, selectors, services
from charters.models import CharterVersion
from tenants.services import provision_tenant
from tests.factories import OrganisationFactory, SignatureFactory
from tests.fixtures.charters import publish_current_draft
from tests.helpers import login, make_user


def test_current_version_number_is_kept_between_publications(
    tenant_a, published_a, django_assert_num_queries
):
    with tenant_context(tenant_a):
        first = selectors.current_version_number()
        with django_assert_num_queries(0):
            kept = selectors.current_version_number()

    assert (first.pk, first.number) == (published_a.pk, 1)
    assert (kept.pk, kept.number) == (published_a.pk, 1)


def test_current_version_number_follows_the_first_publication(tenant_a, officer_a):
    with tenant_context(tenant_a):
        # Redis is not rolled back with each test: start from a generation no earlier test
        # (whose publication was rolled back) kept an answer under.
        public_cache.invalidate()
        assert selectors.current_version_number() is None

    version = publish_current_draft(tenant_a, officer_a)

    with tenant_context(tenant_a):
        current = selectors.current_version_number()
    assert (current.pk, current.number) == (version.pk, 1)


def test_current_version_number_changes_as_soon_as_a_new_version_is_published(
    tenant_a, officer_a, published_a, client_a
):
    lead = make_user(tenant_a, "head@alpha.test")
    with tenant_context(tenant_a):
        SignatureFactory(organisation=OrganisationFactory(name="Oak School", lead=lead))
        assert selectors.current_version_number().number == 1
        services.start_new_draft(selectors.the_charter(), acting_user=officer_a)
    login(client_a, tenant_a, lead)
    assert "is now published" not in client_a.get("/org/").content.decode()

    second = publish_current_draft(tenant_a, officer_a)

    with tenant_context(tenant_a):
        current = selectors.current_version_number()
    assert (current.pk, current.number) == (second.pk, 2)
    html = client_a.get("/org/").content.decode()
    assert "Signed version 1 of the charter; version 2 is now published." in html


def test_a_council_provisioned_under_an_old_schema_name_reads_none_of_its_cache(
    db, django_capture_on_commit_callbacks
):
    """An earlier council named gamma (deleted) left its current version's number in the public
    cache; the new gamma has published nothing."""
    with schema_context("t_gamma"):
        public_cache.cached("current-version-number", lambda: CharterVersion(pk=7, number=3))
    with django_capture_on_commit_callbacks(execute=True):
        tenant = provision_tenant(name="Gamma Council", slug="gamma", officer_email=None)
    with tenant_context(tenant):
        assert selectors.current_version_number() is None
