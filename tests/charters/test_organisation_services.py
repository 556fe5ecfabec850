from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from charters import selectors, services
from charters.enums import MembershipRole, MembershipStatus, SignatureAction
from charters.models import Organisation, Signature
from platform_.audit.models import AuditEvent
from tests.fixtures.charters import ORGANISATION, next_year, register, sign
from tests.helpers import make_user


def test_registering_makes_the_person_its_lead(tenant_a, lead_a):
    organisation = register(tenant_a, lead_a)
    with tenant_context(tenant_a):
        membership = organisation.memberships.get()
        lead_a.refresh_from_db()
        event = AuditEvent.objects.get(key="charters.organisation.registered")
    assert (membership.user_id, membership.role, membership.status) == (
        lead_a.pk,
        MembershipRole.LEAD,
        MembershipStatus.ACTIVE,
    )
    assert lead_a.is_organisation_member
    assert (organisation.slug, organisation.postcode) == ("oakfield-primary-school", "WV1 1RE")
    assert (event.actor_id, event.object_id) == (lead_a.pk, str(organisation.pk))


def test_a_duplicate_name_is_caught_kindly(tenant_a, organisation_a, signed_a):
    other = make_user(tenant_a, "other@school.test")
    with pytest.raises(services.DuplicateOrganisation) as caught:
        register(tenant_a, other, name="the OAKFIELD primary school!")
    assert caught.value.matches == [organisation_a]

    # A different school with the same name elsewhere is welcome once they say so.
    second = register(tenant_a, other, postcode="WV10 9ZZ", confirmed_different=True)
    assert second.slug == "oakfield-primary-school-2"

    with pytest.raises(services.CharterError, match="already registered"):
        register(tenant_a, other, confirmed_different=True)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("postcode", "NOT A CODE"),
        ("postcode", "QV1 1AA"),
        ("school_urn", "12345"),
        ("charity_number", "12"),
        ("website", "not a url"),
        ("kind", "spaceship"),
    ],
)
def test_invalid_details_are_refused(tenant_a, lead_a, field, value):
    with pytest.raises(ValidationError) as caught:
        register(tenant_a, lead_a, **{field: value})
    assert field in caught.value.message_dict
    with tenant_context(tenant_a):
        assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "postcode", ["sw1a1aa", "SW1A 1AA", "M1 1AE", "b33 8th", "CR2 6XH", "DN55 1PT"]
)
def test_real_postcodes_are_accepted_and_tidied(tenant_a, lead_a, postcode):
    organisation = register(tenant_a, lead_a, postcode=postcode)
    assert (
        organisation.postcode
        == postcode.upper().replace(" ", "")[:-3] + " " + postcode.upper().replace(" ", "")[-3:]
    )


def test_join_request_is_approved_by_the_lead_who_is_told_by_email(
    tenant_a, organisation_a, lead_a, django_capture_on_commit_callbacks
):
    teacher = make_user(tenant_a, "teacher@oakfield.test")
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        membership = services.request_to_join(organisation_a, acting_user=teacher)
    assert membership.status == MembershipStatus.REQUESTED
    assert mail.outbox[0].to == ["head@oakfield.test"]
    assert "asked to join Oakfield Primary School" in mail.outbox[0].subject

    with tenant_context(tenant_a):
        with pytest.raises(PermissionDenied):
            services.approve_membership(membership, acting_user=teacher)
        services.approve_membership(membership, acting_user=lead_a)
        teacher.refresh_from_db()
        with pytest.raises(services.CharterError, match="already a member"):
            services.request_to_join(organisation_a, acting_user=teacher)
    assert membership.status == MembershipStatus.ACTIVE
    assert teacher.is_organisation_member


def test_an_invited_person_joins_at_once(
    tenant_a, organisation_a, lead_a, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        services.invite_member(organisation_a, acting_user=lead_a, email="Deputy@Oakfield.test")
    assert mail.outbox[0].to == ["deputy@oakfield.test"]
    assert "http://alpha.localhost/org/oakfield-primary-school/join/" in mail.outbox[0].body

    deputy = make_user(tenant_a, "deputy@oakfield.test")
    with tenant_context(tenant_a):
        membership = services.request_to_join(organisation_a, acting_user=deputy)
    assert (membership.status, membership.user) == (MembershipStatus.ACTIVE, deputy)


def test_only_the_lead_invites_and_declines(tenant_a, organisation_a, lead_a):
    teacher = make_user(tenant_a, "teacher@oakfield.test")
    with tenant_context(tenant_a):
        request = services.request_to_join(organisation_a, acting_user=teacher)
        with pytest.raises(PermissionDenied):
            services.invite_member(organisation_a, acting_user=teacher, email="x@y.test")
        with pytest.raises(PermissionDenied):
            services.decline_membership(request, acting_user=teacher)
        services.decline_membership(request, acting_user=lead_a)
        with pytest.raises(services.CharterError):
            services.approve_membership(request, acting_user=lead_a)
    assert request.status == MembershipStatus.DECLINED


def test_signing_records_an_immutable_signature_with_pledges(
    tenant_a, organisation_a, lead_a, published_a
):
    target = next_year()
    signature = sign(tenant_a, organisation_a, lead_a, pledges=[("Pay parent carers", target)])
    with tenant_context(tenant_a):
        organisation_a.refresh_from_db()
        assert organisation_a.current_signature == signature
        assert organisation_a.has_signed
        assert [(p.text, p.target_date, p.state) for p in signature.pledges.all()] == [
            ("Pay parent carers", target, "in progress")
        ]
        assert list(selectors.register_entries()) == [organisation_a]
        assert AuditEvent.objects.filter(key="charters.charter.signed", actor=lead_a).count() == 1
        with pytest.raises(ValueError, match="immutable"):
            signature.save()


def test_signing_is_refused_before_publication_twice_and_by_non_leads(
    tenant_a, organisation_a, lead_a, officer_a
):
    with pytest.raises(services.CharterError, match="not published"):
        sign(tenant_a, organisation_a, lead_a)
    with tenant_context(tenant_a):
        services.publish_version(selectors.draft_version(), acting_user=officer_a)
    sign(tenant_a, organisation_a, lead_a)
    with pytest.raises(services.CharterError, match="already signed version 1"):
        sign(tenant_a, organisation_a, lead_a)
    with pytest.raises(PermissionDenied):
        sign(tenant_a, organisation_a, officer_a)
    with tenant_context(tenant_a):
        assert Signature.objects.count() == 1


def test_a_pledge_date_in_the_past_is_refused(tenant_a, organisation_a, lead_a, published_a):
    with pytest.raises(services.CharterError, match="past"):
        sign(
            tenant_a,
            organisation_a,
            lead_a,
            pledges=[("Late", timezone.localdate() - timedelta(days=1))],
        )


def test_withdrawing_is_a_new_record_and_leaves_the_register(
    tenant_a, organisation_a, lead_a, signed_a
):
    with tenant_context(tenant_a):
        withdrawal = services.withdraw_signature(
            organisation_a, acting_user=lead_a, reason="Closing"
        )
        assert withdrawal.action == SignatureAction.WITHDRAWN
        assert list(organisation_a.signatures.values_list("action", flat=True)) == [
            "withdrawn",
            "signed",
        ]
        assert list(selectors.register_entries()) == []
        with pytest.raises(services.CharterError, match="has not signed"):
            services.withdraw_signature(organisation_a, acting_user=lead_a, reason="again")
        # They may sign again.
    again = sign(tenant_a, organisation_a, lead_a)
    assert again.action == SignatureAction.SIGNED


def test_no_consent_means_signed_but_not_on_the_register(
    tenant_a, organisation_a, lead_a, published_a
):
    sign(tenant_a, organisation_a, lead_a, consent=False)
    with tenant_context(tenant_a):
        assert list(selectors.register_entries()) == []


def test_pledges_are_marked_met_by_the_lead(tenant_a, organisation_a, lead_a, signed_a):
    with tenant_context(tenant_a):
        pledge = signed_a.pledges.get()
        with pytest.raises(services.CharterError, match="future"):
            services.record_pledge_met(
                pledge, acting_user=lead_a, met_on=timezone.localdate() + timedelta(days=1)
            )
        with pytest.raises(PermissionDenied):
            services.record_pledge_met(
                pledge, acting_user=make_user(tenant_a, "t@t.test"), met_on=timezone.localdate()
            )
        services.record_pledge_met(pledge, acting_user=lead_a, met_on=timezone.localdate())
        pledge.refresh_from_db()
    assert pledge.state == "met"


def test_overdue_pledges_are_shown_as_overdue(tenant_a, signed_a):
    with tenant_context(tenant_a):
        pledge = signed_a.pledges.get()
        pledge.target_date = timezone.localdate() - timedelta(days=1)
        assert pledge.state == "overdue"


def test_registration_needs_a_signed_in_person(tenant_a):
    from django.contrib.auth.models import AnonymousUser

    with tenant_context(tenant_a), pytest.raises(PermissionDenied):
        services.register_organisation(acting_user=AnonymousUser(), **ORGANISATION)


def test_every_action_leaves_an_audit_event_naming_its_actor(
    tenant_a, officer_a, lead_a, organisation_a, published_a
):
    teacher = make_user(tenant_a, "teacher@oakfield.test")
    with tenant_context(tenant_a):
        first = AuditEvent.objects.order_by("-pk").first().pk
        request = services.request_to_join(organisation_a, acting_user=teacher)
        services.approve_membership(request, acting_user=lead_a)
        invited = services.invite_member(
            organisation_a, acting_user=lead_a, email="x@oakfield.test"
        )
        services.decline_membership(invited, acting_user=lead_a)
        signature = services.sign_charter(
            organisation_a,
            acting_user=lead_a,
            signatory_name="P",
            signatory_job_title="H",
            commitment="C",
            consent_to_publish=True,
            pledges=[("Pledge", next_year())],
        )
        services.record_pledge_met(
            signature.pledges.get(), acting_user=lead_a, met_on=timezone.localdate()
        )
        services.withdraw_signature(organisation_a, acting_user=lead_a, reason="R")
        draft = services.start_new_draft(published_a.charter, acting_user=officer_a)
        principle = services.add_principle(draft, acting_user=officer_a, title="T", text="X")
        services.update_principle(principle, acting_user=officer_a, title="T2")
        services.move_principle(principle, acting_user=officer_a, up=True)
        services.remove_principle(principle, acting_user=officer_a)
        services.publish_version(draft, acting_user=officer_a)
        events = list(
            AuditEvent.objects.filter(pk__gt=first)
            .order_by("pk")
            .values_list("key", "actor__email")
        )
    assert events == [
        ("charters.membership.requested", "teacher@oakfield.test"),
        ("charters.membership.approved", "head@oakfield.test"),
        ("charters.membership.invited", "head@oakfield.test"),
        ("charters.membership.declined", "head@oakfield.test"),
        ("charters.charter.signed", "head@oakfield.test"),
        ("charters.pledge.met", "head@oakfield.test"),
        ("charters.charter.withdrawn", "head@oakfield.test"),
        ("charters.draft.started", "officer@alpha.test"),
        ("charters.principle.added", "officer@alpha.test"),
        ("charters.principle.updated", "officer@alpha.test"),
        ("charters.principle.moved", "officer@alpha.test"),
        ("charters.principle.removed", "officer@alpha.test"),
        ("charters.version.published", "officer@alpha.test"),
    ]
