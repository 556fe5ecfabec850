"""Two requests at once for a create with a uniqueness rule: one row, and a clean answer.

Each race runs the first call in a transaction held open for a moment after its row is written,
and the second call meanwhile, on its own connection: the second's "already exists?" check cannot
see the uncommitted row, so it reaches the insert and the database constraint decides, which is
the path a double click takes. Rows are committed, in a council of their own (conftest).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import nullcontext

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django_tenants.utils import tenant_context

from accreditation import services as accreditation_services
from accreditation.models import AccreditationSettings, Application, Assignment, AwardLevel, Round
from charters import services as charter_services
from charters.enums import MembershipStatus, VersionStatus
from charters.models import Charter, CharterVersion, Organisation
from platform_.accounts.enums import Role
from platform_.accounts.models import Invitation, User
from platform_.accounts.services import accept_invitation, invite_person
from tenants.models import Tenant
from tenants.services import provision_tenant
from tests.factories import (
    ApplicationFactory,
    OrganisationFactory,
    SignatureFactory,
    UserFactory,
)
from tests.helpers import host_of, login

pytestmark = pytest.mark.integration

HELD_OPEN = 0.5  # seconds the first transaction stays open after writing its row

DETAILS = {
    "kind": "school",
    "address_line_1": "1 Race Lane",
    "town": "Raceton",
    "postcode": "WV1 1RE",
}


def race(django_db_blocker, tenant, first: Callable, second: Callable) -> tuple:
    """Run ``first`` and then, while its transaction is still open, ``second``; each on its own
    connection. Returns what each returned or raised."""
    written, outcome = threading.Event(), {}

    def run(name: str, call: Callable) -> None:
        try:
            place = tenant_context(tenant) if tenant else nullcontext()
            with django_db_blocker.unblock(), place:
                if name == "first":
                    with transaction.atomic():
                        outcome[name] = call()
                        written.set()
                        time.sleep(HELD_OPEN)
                else:
                    written.wait(timeout=10)
                    outcome[name] = call()
        except Exception as error:  # compared below; a thread cannot fail the test itself
            outcome[name] = error
        finally:
            written.set()
            connection.close()

    threads = [
        threading.Thread(target=run, args=("first", first)),
        threading.Thread(target=run, args=("second", second)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcome["first"], outcome["second"]


def at_once(calls: list[Callable]) -> list:
    """Run the calls in threads released together by a barrier; what each returned or raised."""
    start, outcome = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index: int, call: Callable) -> None:
        try:
            start.wait(timeout=10)
            outcome[index] = call()
        except Exception as error:
            outcome[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcome


def committed(django_db_blocker, tenant, make: Callable):
    with django_db_blocker.unblock(), tenant_context(tenant):
        return make()


def signed_school(name: str, lead) -> Organisation:
    organisation = OrganisationFactory(name=name, lead=lead)
    SignatureFactory(organisation=organisation, recorded_by=lead)
    organisation.refresh_from_db()
    return organisation


def messages_of(outcome) -> list[str]:
    assert isinstance(outcome, ValidationError), outcome
    return outcome.messages


# --- The two races of the issue ---------------------------------------------------------------


def test_the_same_application_started_twice_at_once_is_one_application(
    race_tenant, django_db_blocker
):
    def world():
        lead = UserFactory(email="lead1@races.test")
        return lead, signed_school("Starting Primary", lead), Round.objects.get()

    lead, school, award_round = committed(django_db_blocker, race_tenant, world)

    def start():
        return accreditation_services.start_application(
            school, acting_user=lead, award_round=award_round
        )

    first, second = race(django_db_blocker, race_tenant, start, start)

    assert isinstance(first, Application)
    assert messages_of(second) == [
        "Starting Primary already has an application in this round. Open it from the list of "
        "applications, or choose another round."
    ]
    with django_db_blocker.unblock(), tenant_context(race_tenant):
        assert Application.objects.filter(organisation=school).count() == 1


def test_the_same_organisation_registered_by_two_people_at_once_is_one_organisation(
    race_tenant, django_db_blocker
):
    ann, bob = committed(
        django_db_blocker,
        race_tenant,
        lambda: (UserFactory(email="ann@races.test"), UserFactory(email="bob@races.test")),
    )

    def register(user):
        return lambda: charter_services.register_organisation(
            acting_user=user, name="St. Mary's Nursery", **DETAILS
        )

    first, second = race(django_db_blocker, race_tenant, register(ann), register(bob))

    assert isinstance(first, Organisation)
    # Bob cannot see an organisation nobody has agreed to list, so it is not named to him.
    assert messages_of(second) == [
        "An organisation with this name and postcode is already registered. "
        "Ask the person who registered it to invite you."
    ]
    with django_db_blocker.unblock(), tenant_context(race_tenant):
        same = Organisation.objects.filter(name_key="st marys nursery")
        assert list(same.values_list("slug", flat=True)) == ["st-marys-nursery"]


def test_two_organisations_of_one_name_registered_at_once_both_get_a_slug(
    race_tenant, django_db_blocker
):
    """Not the same organisation (other postcodes): the second takes the next free slug."""
    ann, bob = committed(
        django_db_blocker,
        race_tenant,
        lambda: (UserFactory(email="ann2@races.test"), UserFactory(email="bob2@races.test")),
    )

    def register(user, postcode):
        return lambda: charter_services.register_organisation(
            acting_user=user, name="Hope Foodbank", **{**DETAILS, "postcode": postcode}
        )

    first, second = race(
        django_db_blocker, race_tenant, register(ann, "WV1 1RE"), register(bob, "WV2 2AA")
    )

    assert (first.slug, second.slug) == ("hope-foodbank", "hope-foodbank-2")


def test_two_clicks_on_start_application_answer_with_a_page_not_an_error(
    race_tenant, django_db_blocker
):
    def world():
        lead = UserFactory(email="lead2@races.test")
        return lead, signed_school("Clicking Academy", lead), Round.objects.get()

    lead, school, award_round = committed(django_db_blocker, race_tenant, world)
    url = reverse("accreditation:applications", kwargs={"slug": school.slug})
    with django_db_blocker.unblock():
        clients = [
            login(Client(HTTP_HOST=host_of(race_tenant)), race_tenant, lead) for _ in range(2)
        ]
        responses = at_once([lambda c=c: c.post(url, {"round": award_round.pk}) for c in clients])

    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200)
    assert "Clicking Academy already has an application in this round." in refused.text
    with django_db_blocker.unblock(), tenant_context(race_tenant):
        assert Application.objects.filter(organisation=school).count() == 1


def test_two_people_registering_one_organisation_through_the_form_see_a_message(
    race_tenant, django_db_blocker
):
    users = committed(
        django_db_blocker,
        race_tenant,
        lambda: [UserFactory(email=f"form{n}@races.test") for n in range(2)],
    )
    url = reverse("charters:org.register")
    form = {"name": "Twin Oaks Surgery", **DETAILS, "kind": "gp_practice"}
    with django_db_blocker.unblock():
        clients = [login(Client(HTTP_HOST=host_of(race_tenant)), race_tenant, u) for u in users]
        responses = at_once([lambda c=c: c.post(url, form) for c in clients])

    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(r for r in responses if r.status_code == 200)
    assert "already registered" in refused.text
    with django_db_blocker.unblock(), tenant_context(race_tenant):
        assert Organisation.objects.filter(name_key="twin oaks surgery").count() == 1


# --- Every other create with a uniqueness rule ------------------------------------------------


def test_asking_to_join_twice_at_once_is_one_request(race_tenant, django_db_blocker):
    def world():
        return UserFactory(email="joiner@races.test"), OrganisationFactory(name="Join Club")

    person, club = committed(django_db_blocker, race_tenant, world)

    def join():
        return charter_services.request_to_join(club, acting_user=person)

    first, second = race(django_db_blocker, race_tenant, join, join)

    assert first.status == MembershipStatus.REQUESTED
    assert messages_of(second) == [
        "You have already asked to join Join Club. Wait for its lead to let you in: you will "
        "see it under “Your organisation”."
    ]


def test_inviting_the_same_member_twice_at_once_is_one_invitation(race_tenant, django_db_blocker):
    def world():
        lead = UserFactory(email="inviter@races.test")
        return lead, OrganisationFactory(name="Invite Trust", lead=lead)

    lead, trust = committed(django_db_blocker, race_tenant, world)

    def invite():
        return charter_services.invite_member(trust, acting_user=lead, email="new@races.test")

    first, second = race(django_db_blocker, race_tenant, invite, invite)

    assert first.pk == second.pk
    with django_db_blocker.unblock(), tenant_context(race_tenant):
        assert trust.memberships.filter(status=MembershipStatus.INVITED).count() == 1


def test_starting_a_new_draft_twice_at_once_gives_the_one_draft(race_tenant, django_db_blocker):
    officer = committed(
        django_db_blocker, race_tenant, lambda: User.objects.get(email="officer@races.test")
    )

    def start():
        return charter_services.start_new_draft(Charter.objects.get(), acting_user=officer)

    first, second = race(django_db_blocker, race_tenant, start, start)

    assert first.pk == second.pk
    with django_db_blocker.unblock(), tenant_context(race_tenant):
        assert CharterVersion.objects.filter(status=VersionStatus.DRAFT).count() == 1
        CharterVersion.objects.filter(status=VersionStatus.DRAFT).delete()


def test_assigning_the_same_assessor_twice_at_once_is_one_assignment(
    race_tenant, django_db_blocker
):
    def world():
        officer = User.objects.get(email="officer@races.test")
        assessor = UserFactory(email="assessor@races.test", is_assessor=True)
        application = ApplicationFactory(
            organisation=OrganisationFactory(name="Assessed Ltd"),
            round=Round.objects.get(),
            status="submitted",
        )
        return officer, assessor, application

    officer, assessor, application = committed(django_db_blocker, race_tenant, world)

    def assign():
        return accreditation_services.assign_assessor(
            application, acting_user=officer, assessor=assessor
        )

    first, second = race(django_db_blocker, race_tenant, assign, assign)

    assert isinstance(first, Assignment)
    assert messages_of(second) == [f"{assessor} is already assigned."]


def test_adding_one_award_level_twice_at_once_is_one_level(race_tenant, django_db_blocker):
    officer = committed(
        django_db_blocker, race_tenant, lambda: User.objects.get(email="officer@races.test")
    )

    def add():
        return accreditation_services.add_level(acting_user=officer, name="Gold", position=3)

    first, second = race(django_db_blocker, race_tenant, add, add)

    assert isinstance(first, AwardLevel)
    assert messages_of(second) == ["There is already a level called Gold."]


def test_the_first_settings_saved_twice_at_once_are_one_row(race_tenant, django_db_blocker):
    officer = committed(django_db_blocker, race_tenant, lambda: _without_settings())

    def save():
        return accreditation_services.update_settings(acting_user=officer, validity_years=2)

    first, second = race(django_db_blocker, race_tenant, save, save)

    assert first.validity_years == 2
    assert messages_of(second) == ["Someone else saved the settings just now."]
    with django_db_blocker.unblock(), tenant_context(race_tenant):
        assert AccreditationSettings.objects.count() == 1


def _without_settings():
    AccreditationSettings.objects.all().delete()
    return User.objects.get(email="officer@races.test")


def test_inviting_one_person_twice_at_once_is_one_invitation(race_tenant, django_db_blocker):
    officer = committed(
        django_db_blocker, race_tenant, lambda: User.objects.get(email="officer@races.test")
    )

    def invite():
        return invite_person("twice@races.test", role=Role.ASSESSOR, acting_user=officer)

    first, second = race(django_db_blocker, race_tenant, invite, invite)

    assert first.pk == second.pk
    with django_db_blocker.unblock(), tenant_context(race_tenant):
        assert Invitation.objects.filter(email="twice@races.test").count() == 1


def test_two_invitations_accepted_at_once_make_one_account(race_tenant, django_db_blocker):
    def world():
        return [
            invite_person("both@races.test", role=role, acting_user=None)
            for role in (Role.ASSESSOR, Role.COUNCIL_OFFICER)
        ]

    as_assessor, as_officer = committed(django_db_blocker, race_tenant, world)

    def accept(invitation):
        return lambda: accept_invitation(invitation, full_name="Both Roles", password="pw-12345678")

    first, second = race(django_db_blocker, race_tenant, accept(as_assessor), accept(as_officer))

    assert first.pk == second.pk
    with django_db_blocker.unblock(), tenant_context(race_tenant):
        user = User.objects.get(email="both@races.test")
        assert (user.is_assessor, user.is_council_officer) == (True, True)


def test_two_councils_provisioned_with_one_slug_at_once_is_one_council(django_db_blocker):
    def provision():
        return provision_tenant(name="Twice Council", slug="twice", officer_email=None)

    try:
        first, second = race(django_db_blocker, None, provision, provision)
        assert isinstance(first, Tenant)
        assert messages_of(second) == ["'twice' is taken; choose another."]
    finally:
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            for tenant in Tenant.objects.filter(slug="twice"):
                tenant.delete(force_drop=True)


def test_create_council_with_a_taken_slug_says_so_in_one_line(race_tenant, django_db_blocker):
    for slug, message in [
        ("races", "Tenant with this Slug already exists."),
        ("admin", "'admin' is reserved; choose another."),
        ("Not A Slug", "Use 3 to 40 lower-case letters, digits and hyphens"),
    ]:
        with django_db_blocker.unblock(), pytest.raises(CommandError) as refused:
            call_command("create_council", name="Again", slug=slug, officer_email="lead@again.test")
        assert message in str(refused.value)
        assert "\n" not in str(refused.value)


def test_two_principles_added_at_once_take_the_next_two_positions(race_tenant, django_db_blocker):
    """one_principle_per_position is checked only at commit, so the writers queue on the
    draft's row instead: both principles are added, one after the other."""

    def world():
        officer = User.objects.get(email="officer@races.test")
        return officer, charter_services.start_new_draft(Charter.objects.get(), acting_user=officer)

    officer, draft = committed(django_db_blocker, race_tenant, world)

    def add(title):
        return lambda: charter_services.add_principle(
            draft, acting_user=officer, title=title, text="Words"
        )

    try:
        first, second = race(django_db_blocker, race_tenant, add("Eighth"), add("Ninth"))
        assert (first.position, second.position) == (8, 9)
    finally:
        with django_db_blocker.unblock(), tenant_context(race_tenant):
            draft.delete()


def test_publishing_twice_at_once_publishes_one_version(race_tenant, django_db_blocker):
    def world():
        officer = User.objects.get(email="officer@races.test")
        return officer, charter_services.start_new_draft(Charter.objects.get(), acting_user=officer)

    officer, draft = committed(django_db_blocker, race_tenant, world)

    def publish():
        return charter_services.publish_version(draft, acting_user=officer)

    first, second = race(django_db_blocker, race_tenant, publish, publish)

    assert first.number == 2
    assert messages_of(second) == ["Version 2 is already published."]


def test_two_sign_ups_with_one_address_at_once_make_one_account(race_tenant, django_db_blocker):
    """The second is answered as allauth answers any taken address: "check your email"."""
    form = {
        "email": "twice@races.test",
        "full_name": "Twice Over",
        "password1": "a-long-enough-pass",
        "password2": "a-long-enough-pass",
    }

    def sign_up():
        return Client(HTTP_HOST=host_of(race_tenant)).post("/accounts/signup/", form)

    first, second = race(django_db_blocker, race_tenant, sign_up, sign_up)

    assert (first.status_code, second.status_code) == (302, 302)
    assert first["Location"] == second["Location"] == "/accounts/confirm-email/"
    with django_db_blocker.unblock(), tenant_context(race_tenant):
        assert User.objects.filter(email="twice@races.test").count() == 1
