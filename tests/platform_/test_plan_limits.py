"""Plan limits: organisations and assessors, refused on the server with a message and a way on.

Alpha is on the small plan (two organisations, two assessors); Beta has no plan (made by platform
staff), so no limits.
"""

import copy
import pickle
from datetime import timedelta
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from charters import services as charter_services
from charters.models import Organisation
from platform_.accounts import services as accounts_services
from platform_.accounts.enums import Role
from platform_.accounts.models import Invitation, User
from platform_.plan_limits import PlanLimitReached, check_plan_limit
from tenants import middleware
from tenants.middleware import CachedTenantMiddleware, tenant_cache_key
from tenants.models import Domain
from tests.factories import OrganisationFactory, SignatureFactory, UserFactory
from tests.fixtures.charters import ORGANISATION, register
from tests.helpers import host_of, login, make_user

ORGANISATIONS_FULL = (
    "Your council's plan allows 2 organisations, and 2 are registered. "
    "A council officer can move to a bigger plan."
)
ASSESSORS_FULL = (
    "Your council's plan allows 2 assessors, and 2 people are assessors or have been invited. "
    "A council officer can move to a bigger plan."
)
FORM = {**ORGANISATION, "name": "Willow Surgery", "kind": "gp_practice", "postcode": "WV3 3AA"}


def organisations(tenant, count: int) -> list[Organisation]:
    with tenant_context(tenant):
        return [OrganisationFactory(postcode=f"WV9 {n}AA") for n in range(count)]


def invite(tenant, officer, email: str, role=Role.ASSESSOR):
    with tenant_context(tenant):
        return accounts_services.invite_person(email, role=role, acting_user=officer)


# --- The kernel check --------------------------------------------------------------------------


def test_check_plan_limit_without_a_plan_counts_nothing(tenant_b):
    def never_called() -> int:
        raise AssertionError("a council without limits must not be counted")

    with tenant_context(tenant_b), transaction.atomic():
        check_plan_limit("organisations", never_called)


def test_check_plan_limit_on_the_platform_host_is_no_limit(db):
    with schema_context("public"), transaction.atomic():
        check_plan_limit("organisations", lambda: 10**6)


def test_check_plan_limit_refuses_outside_a_transaction(tenant_a_on_small_plan):
    # Outside a transaction the lock would be let go before the row is written.
    connection.set_tenant(tenant_a_on_small_plan)
    atomic = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(RuntimeError):
            check_plan_limit("organisations", lambda: 0)
    finally:
        connection.in_atomic_block = atomic


def test_plan_limit_message_speaks_of_one_in_the_singular(db):
    error = PlanLimitReached("assessors", limit=1, used=1)

    assert error.messages == [
        "Your council's plan allows 1 assessor, and 1 person is an assessor or has been invited. "
        "A council officer can move to a bigger plan."
    ]
    assert error.billing_path == "/manage/billing/"
    assert copy.deepcopy(error).messages == error.messages
    assert pickle.loads(pickle.dumps(error)).reason == error.reason  # noqa: S301 (our own bytes)


# --- Organisations -----------------------------------------------------------------------------


def test_registering_an_organisation_at_the_limit_is_refused_and_nothing_is_made(
    tenant_a_on_small_plan, lead_a
):
    organisations(tenant_a_on_small_plan, 2)

    with pytest.raises(PlanLimitReached) as refused:
        register(tenant_a_on_small_plan, lead_a)

    assert refused.value.messages == [ORGANISATIONS_FULL]
    with tenant_context(tenant_a_on_small_plan):
        assert Organisation.objects.count() == 2
        assert not lead_a.memberships.exists()


def test_registering_an_organisation_under_the_limit_works(tenant_a_on_small_plan, lead_a):
    organisations(tenant_a_on_small_plan, 1)

    organisation = register(tenant_a_on_small_plan, lead_a)

    with tenant_context(tenant_a_on_small_plan):
        assert Organisation.objects.count() == 2
    assert organisation.name == "Oakfield Primary School"


def test_a_council_without_a_plan_has_no_organisation_limit(tenant_b, small_plan):
    organisations(tenant_b, 3)
    lead = make_user(tenant_b, "lead@beta.test")

    register(tenant_b, lead)

    with tenant_context(tenant_b):
        assert Organisation.objects.count() == 4


def test_a_withdrawn_organisation_still_counts(tenant_a_on_small_plan, published_a, lead_a):
    """It stays registered and may sign again without registering (see the service)."""
    first, _ = organisations(tenant_a_on_small_plan, 2)
    with tenant_context(tenant_a_on_small_plan):
        SignatureFactory(organisation=first, action="withdrawn", recorded_by=lead_a)

    with pytest.raises(PlanLimitReached):
        register(tenant_a_on_small_plan, lead_a)


def test_a_bigger_plan_lets_the_next_organisation_in_at_once(
    tenant_a_on_small_plan, small_plan, lead_a
):
    organisations(tenant_a_on_small_plan, 2)
    small_plan.max_organisations = 3
    small_plan.save()
    tenant_a_on_small_plan.refresh_from_db()

    assert register(tenant_a_on_small_plan, lead_a).pk is not None


def test_the_register_page_at_the_limit_shows_the_message_and_keeps_the_form(
    tenant_a_on_small_plan, client_a, lead_a
):
    organisations(tenant_a_on_small_plan, 2)
    login(client_a, tenant_a_on_small_plan, lead_a)

    response = client_a.post("/org/new/", FORM)

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "<title>Error: Register an organisation" in html
    assert "Your council's plan allows 2 organisations, and 2 are registered." in html
    assert "Ask your council to move to a bigger plan." in html
    assert 'href="/manage/billing/"' not in html
    assert 'value="Willow Surgery"' in html and 'value="WV3 3AA"' in html


def test_an_officer_at_the_organisation_limit_is_offered_a_bigger_plan(
    tenant_a_on_small_plan, client_a, officer_a
):
    organisations(tenant_a_on_small_plan, 2)
    login(client_a, tenant_a_on_small_plan, officer_a)

    html = client_a.post("/org/new/", FORM).content.decode()

    assert 'You can <a class="govuk-link" href="/manage/billing/">move to a bigger plan</a>' in html
    assert "Ask your council" not in html


# --- Assessors ---------------------------------------------------------------------------------


@pytest.fixture
def one_assessor_one_invited(tenant_a_on_small_plan, officer_a):
    make_user(tenant_a_on_small_plan, "assessor@alpha.test", is_assessor=True)
    invite(tenant_a_on_small_plan, officer_a, "invited@alpha.test")
    return tenant_a_on_small_plan


def test_inviting_an_assessor_at_the_limit_is_refused_and_nothing_is_sent(
    one_assessor_one_invited, officer_a
):
    with pytest.raises(PlanLimitReached) as refused:
        invite(one_assessor_one_invited, officer_a, "third@alpha.test")

    assert refused.value.messages == [ASSESSORS_FULL]
    with tenant_context(one_assessor_one_invited):
        assert not Invitation.objects.filter(email="third@alpha.test").exists()


def test_at_the_assessor_limit_officers_and_renewed_invitations_still_go(
    one_assessor_one_invited, officer_a
):
    officer = invite(one_assessor_one_invited, officer_a, "third@alpha.test", Role.COUNCIL_OFFICER)
    renewed = invite(one_assessor_one_invited, officer_a, "invited@alpha.test")
    again = invite(one_assessor_one_invited, officer_a, "assessor@alpha.test")

    assert (officer.role, renewed.email, again.email) == (
        Role.COUNCIL_OFFICER,
        "invited@alpha.test",
        "assessor@alpha.test",
    )


def test_expired_and_revoked_invitations_free_their_place(one_assessor_one_invited, officer_a):
    with tenant_context(one_assessor_one_invited):
        Invitation.objects.filter(email="invited@alpha.test").update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    assert invite(one_assessor_one_invited, officer_a, "third@alpha.test").pk

    with tenant_context(one_assessor_one_invited):
        third = Invitation.objects.get(email="third@alpha.test")
        accounts_services.revoke_invitation(third, acting_user=officer_a)
    assert invite(one_assessor_one_invited, officer_a, "fourth@alpha.test").pk


def test_an_inactive_assessor_frees_a_place(one_assessor_one_invited, officer_a):
    with tenant_context(one_assessor_one_invited):
        User.objects.filter(email="assessor@alpha.test").update(is_active=False)

    assert invite(one_assessor_one_invited, officer_a, "third@alpha.test").pk


def test_a_council_without_a_plan_has_no_assessor_limit(tenant_b, officer_b):
    with tenant_context(tenant_b):
        UserFactory.create_batch(3, is_assessor=True)

    assert invite(tenant_b, officer_b, "more@beta.test").pk


def test_an_invitation_accepted_after_the_plan_shrank_is_refused(
    one_assessor_one_invited, small_plan, client_a
):
    with tenant_context(one_assessor_one_invited):
        invitation = Invitation.objects.get(email="invited@alpha.test")
        token = accounts_services.invitation_token(invitation)
    small_plan.max_assessors = 1
    small_plan.save()

    response = client_a.post(
        f"/accounts/invitation/{token}/",
        {"full_name": "Ivy", "password1": "a-long-enough-pass", "password2": "a-long-enough-pass"},
    )

    assert response.status_code == 409
    assert (
        "Your council&#x27;s plan allows 1 assessor, and 1 person is an assessor or has been "
        "invited. Ask the council to move to a bigger plan, then use this link again."
    ) in response.content.decode()
    with tenant_context(one_assessor_one_invited):
        assert not User.objects.filter(email="invited@alpha.test").exists()


def test_an_invitation_accepted_within_the_limit_makes_an_assessor(
    one_assessor_one_invited, client_a
):
    with tenant_context(one_assessor_one_invited):
        token = accounts_services.invitation_token(
            Invitation.objects.get(email="invited@alpha.test")
        )

    response = client_a.post(
        f"/accounts/invitation/{token}/",
        {"full_name": "Ivy", "password1": "a-long-enough-pass", "password2": "a-long-enough-pass"},
    )

    assert response.status_code == 302
    with tenant_context(one_assessor_one_invited):
        assert User.objects.filter(is_assessor=True).count() == 2


def test_the_invite_page_at_the_limit_shows_the_message_and_keeps_the_form(
    one_assessor_one_invited, officer_a, client_a
):
    login(client_a, one_assessor_one_invited, officer_a)

    response = client_a.post(
        "/manage/people/invite/", {"email": "third@alpha.test", "role": "assessor"}
    )

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert (
        "Your council's plan allows 2 assessors, and 2 people are assessors or have been invited."
        in html
    )
    assert 'You can <a class="govuk-link" href="/manage/billing/">move to a bigger plan</a>' in html
    assert 'value="third@alpha.test"' in html


# --- The plan travels with the cached tenant ---------------------------------------------------


def test_the_tenant_by_host_carries_its_plan_so_a_limit_costs_no_query(
    tenant_a_on_small_plan, django_assert_num_queries
):
    host = host_of(tenant_a_on_small_plan)
    tenant = CachedTenantMiddleware(lambda request: None).get_tenant(Domain, host)
    middleware._local.clear()  # from Redis this time, as another process would read it
    cached = CachedTenantMiddleware(lambda request: None).get_tenant(Domain, host)

    with django_assert_num_queries(0):
        assert (tenant.plan_limit("organisations"), cached.plan_limit("assessors")) == (2, 2)


def test_saving_a_plan_forgets_the_cached_councils_on_it(
    tenant_a_on_small_plan, tenant_b, small_plan, client_a, client_b
):
    client_a.get("/")
    client_b.get("/")
    hosts = [host_of(tenant_a_on_small_plan), host_of(tenant_b)]
    with schema_context("public"):
        assert all(cache.get(tenant_cache_key(host)) is not None for host in hosts)

    small_plan.max_organisations = 40
    small_plan.save()

    with schema_context("public"):
        assert cache.get(tenant_cache_key(hosts[0])) is None
        assert cache.get(tenant_cache_key(hosts[1])) is not None  # Beta is on no plan
    assert hosts[0] not in middleware._local
    tenant = CachedTenantMiddleware(lambda request: None).get_tenant(Domain, hosts[0])
    assert tenant.plan_limit("organisations") == 40


def test_a_limit_holds_under_schema_context_too(tenant_a_on_small_plan, lead_a):
    """schema_context() sets a stand-in tenant without the plan: the council is looked up."""
    organisations(tenant_a_on_small_plan, 2)

    with schema_context(tenant_a_on_small_plan.schema_name), pytest.raises(PlanLimitReached):
        charter_services.register_organisation(acting_user=lead_a, **ORGANISATION)
