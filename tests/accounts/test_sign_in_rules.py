"""/manage/sign-in/: officers require two-step sign-in of officers and assessors; only officers
may, only once they use it themselves; audited; the others told by email, once, after commit."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from platform_.accounts.enums import AccountsEvent
from platform_.accounts.two_factor_rule import (
    OwnTwoFactorMissing,
    _tell_staff,
    set_staff_two_factor_rule,
)
from platform_.audit.models import AuditEvent
from platform_.outbox.models import OutboxEmail
from tenants.models import Domain, Tenant
from tests.accounts.test_two_factor_enforcement import REQUIRED, give_totp, sso_session
from tests.helpers import host_of, login, make_user

PAGE = "/manage/sign-in/"
ON = {"staff_must_use_2fa": "on"}

ROLES = {
    "council officer": {"is_council_officer": True},
    "officer who also assesses": {"is_council_officer": True, "is_assessor": True},
    "assessor": {"is_assessor": True},
    "lived-experience assessor": {"is_assessor": True, "has_lived_experience": True},
    "organisation member": {"is_organisation_member": True},
    "no role": {},
}
OFFICERS = {"council officer", "officer who also assesses"}


def rule_of(tenant) -> bool:
    return Tenant.objects.get(pk=tenant.pk).staff_must_use_2fa


@pytest.mark.parametrize("role", ROLES)
def test_only_officers_may_see_or_change_the_sign_in_rules(tenant_a, client_a, role):
    person = make_user(tenant_a, "person@alpha.test", **ROLES[role])
    give_totp(tenant_a, person)
    login(client_a, tenant_a, person)

    seen, posted = client_a.get(PAGE), client_a.post(PAGE, ON)

    if role in OFFICERS:
        assert seen.status_code == 200
        assert (posted.status_code, posted["Location"]) == (302, "/manage/")
        assert rule_of(tenant_a) is True
    else:
        assert (seen.status_code, posted.status_code) == (403, 403)
        assert rule_of(tenant_a) is False


def test_anonymous_visitors_are_asked_to_sign_in(tenant_a, client_a):
    for response in (client_a.get(PAGE), client_a.post(PAGE, ON)):
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={PAGE}"
    assert rule_of(tenant_a) is False


def test_an_officer_of_another_council_is_a_stranger_here(
    tenant_a, tenant_b, officer_b, client_a, client_b
):
    give_totp(tenant_b, officer_b)
    login(client_b, tenant_b, officer_b)
    assert client_b.get(PAGE).status_code == 200  # control: at home, Beta's officer may
    client_a.cookies = client_b.cookies  # Beta's session, replayed at Alpha
    assert client_a.post(PAGE, ON)["Location"].startswith("/accounts/login/")
    assert (rule_of(tenant_a), rule_of(tenant_b)) == (False, False)


def test_the_service_refuses_anyone_but_an_officer(tenant_a, assessor_a):
    give_totp(tenant_a, assessor_a)
    with tenant_context(tenant_a), pytest.raises(PermissionDenied):
        set_staff_two_factor_rule(tenant_a, required=True, acting_user=assessor_a)
    assert rule_of(tenant_a) is False


def test_the_manage_hub_links_to_the_page(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    html = client_a.get("/manage/").content.decode()
    assert f'href="{PAGE}">Sign-in rules: two-step sign-in for officers and assessors</a>' in html


def test_the_page_shows_the_rule_as_it_is(tenant_a, officer_a, client_a):
    give_totp(tenant_a, officer_a)
    login(client_a, tenant_a, officer_a)
    assert " checked>" not in client_a.get(PAGE).content.decode()
    client_a.post(PAGE, ON)
    html = client_a.get(PAGE).content.decode()
    assert 'name="staff_must_use_2fa" type="checkbox" value="on" checked>' in html
    assert "You have not set up two-step sign-in" not in html


def test_turning_it_on_without_two_factor_of_your_own_is_refused_and_says_what_to_do(
    tenant_a, officer_a, client_a, assessor_a
):
    login(client_a, tenant_a, officer_a)
    page = client_a.get(PAGE).content.decode()
    assert "You have not set up two-step sign-in for your own account yet." in page

    response = client_a.post(PAGE, ON)

    assert response.status_code == 200
    html = response.content.decode()
    message = (
        "Set up two-step sign-in for your own account first, then turn this on. "
        "Otherwise you could lock yourself out."
    )
    summary = html.split('govuk-error-summary__list">')[1].split("</ul>")[0]
    assert f'<a href="#id_staff_must_use_2fa">{message}</a>' in summary
    assert f'<span class="govuk-visually-hidden">Error:</span> {message}</p>' in html
    assert "<title>Error: Sign-in rules" in html
    assert rule_of(tenant_a) is False
    with tenant_context(tenant_a):
        assert not AuditEvent.objects.filter(key__startswith="accounts.two_factor").exists()
        assert not OutboxEmail.objects.exists()


def test_turning_it_off_needs_nothing_and_tells_nobody(
    tenant_a, officer_a, assessor_a, client_a, django_capture_on_commit_callbacks
):
    give_totp(tenant_a, officer_a)
    with tenant_context(tenant_a):
        set_staff_two_factor_rule(tenant_a, required=True, acting_user=officer_a)
        OutboxEmail.objects.all().delete()
    login(client_a, tenant_a, officer_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post(PAGE, {})

    assert response["Location"] == "/manage/"
    assert rule_of(tenant_a) is False
    assert mail.outbox == []
    with tenant_context(tenant_a):
        event = AuditEvent.objects.get(key=AccountsEvent.TWO_FACTOR_NOT_REQUIRED)
        assert (event.actor, event.object_type, event.object_id) == (
            officer_a,
            "tenants.tenant",
            str(tenant_a.pk),
        )
        assert (event.old_value, event.new_value) == (
            {"staff_must_use_2fa": True},
            {"staff_must_use_2fa": False},
        )


def test_an_officer_signed_in_through_the_councils_sso_may_turn_it_on(
    tenant_a, officer_a, client_a
):
    login(client_a, tenant_a, officer_a)
    sso_session(client_a, tenant_a, officer_a)
    assert client_a.post(PAGE, ON)["Location"] == "/manage/"
    assert rule_of(tenant_a) is True


def test_turning_it_on_is_audited_and_tells_the_others_once_after_commit(
    tenant_a, officer_a, client_a, django_capture_on_commit_callbacks
):
    give_totp(tenant_a, officer_a)
    other_officer = make_user(tenant_a, "o2@alpha.test", is_council_officer=True)
    assessor = make_user(tenant_a, "a1@alpha.test", is_assessor=True, language="cy")
    make_user(tenant_a, "member@alpha.test", is_organisation_member=True)
    make_user(tenant_a, "gone@alpha.test", is_assessor=True, is_active=False)
    # The council's own domain, not the address the officer happened to use.
    connection.set_schema_to_public()
    Domain.objects.create(domain="charter-alpha.localhost", tenant=tenant_a, is_primary=False)
    client_a.defaults["HTTP_HOST"] = "charter-alpha.localhost"
    login(client_a, tenant_a, officer_a)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_a.post(PAGE, ON)
    assert response["Location"] == "/manage/"
    assert mail.outbox == []  # nothing sent before the change commits
    for callback in callbacks:
        callback()

    assert sorted(message.to[0] for message in mail.outbox) == ["a1@alpha.test", "o2@alpha.test"]
    english = next(m for m in mail.outbox if m.to == [other_officer.email])
    assert english.subject == "Alpha City Council now asks you to use two-step sign-in"
    assert "http://alpha.localhost" + REQUIRED in english.body
    assert "charter-alpha" not in english.body
    assert "Alpha City Council now asks its officers and assessors to use two-step sign-in." in (
        english.body
    )
    assert next(m for m in mail.outbox if m.to == [assessor.email]).body  # in their language
    with tenant_context(tenant_a):
        event = AuditEvent.objects.get(key=AccountsEvent.TWO_FACTOR_REQUIRED)
        assert (event.actor, event.new_value) == (officer_a, {"staff_must_use_2fa": True})
        keys = set(OutboxEmail.objects.values_list("dedup_key", flat=True))
        assert keys == {f"accounts.two_factor:{event.pk}"}

    # Saved again as it is: no new event, nobody told twice.
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(PAGE, ON)
    assert len(mail.outbox) == 2
    with tenant_context(tenant_a):
        assert AuditEvent.objects.filter(key__startswith="accounts.two_factor").count() == 1


def test_the_same_change_queued_twice_is_one_email_each(tenant_a, officer_a, assessor_a):
    """The dedup key is the change's audit event: a retried queueing owes nobody a second."""
    with tenant_context(tenant_a):
        _tell_staff(tenant_a, acting_user=officer_a, dedup_key="accounts.two_factor:1")
        _tell_staff(tenant_a, acting_user=officer_a, dedup_key="accounts.two_factor:1")
        assert list(OutboxEmail.objects.values_list("recipient", flat=True)) == [assessor_a.email]


def test_turning_it_on_from_the_page_takes_effect_for_the_others_at_once(
    tenant_a, officer_a, assessor_a, client_a
):
    give_totp(tenant_a, officer_a)
    assessor = login(Client(HTTP_HOST=host_of(tenant_a)), tenant_a, assessor_a)
    assert assessor.get("/assess/").status_code == 200  # the council now cached by host
    login(client_a, tenant_a, officer_a)
    client_a.post(PAGE, ON)
    assert assessor.get("/assess/")["Location"] == REQUIRED
    assert client_a.get("/manage/").status_code == 200  # the officer has it set up


def test_the_page_costs_a_fixed_number_of_queries(
    tenant_a, officer_a, client_a, django_assert_num_queries
):
    give_totp(tenant_a, officer_a)
    login(client_a, tenant_a, officer_a)
    client_a.get(PAGE)
    # The person (the session is cached) and their authenticator (the page says whether they
    # have one); the rule is off, so the middleware reads nothing. The search_path is kept from
    # the warm-up, and a council's site reads no model permissions.
    with django_assert_num_queries(2):
        assert client_a.get(PAGE).status_code == 200


def test_turning_it_on_twice_at_once_is_one_change(tenant_a, officer_a):
    give_totp(tenant_a, officer_a)
    with tenant_context(tenant_a):
        first = set_staff_two_factor_rule(tenant_a, required=True, acting_user=officer_a)
        # The stale object still says "off": the service reads the row, which says "on".
        second = set_staff_two_factor_rule(tenant_a, required=True, acting_user=officer_a)
        assert first.staff_must_use_2fa is second.staff_must_use_2fa is True
        assert AuditEvent.objects.filter(key=AccountsEvent.TWO_FACTOR_REQUIRED).count() == 1


def test_the_service_itself_refuses_an_officer_without_two_factor(tenant_a, officer_a):
    with tenant_context(tenant_a), pytest.raises(OwnTwoFactorMissing):
        set_staff_two_factor_rule(tenant_a, required=True, acting_user=officer_a)
    assert rule_of(tenant_a) is False
