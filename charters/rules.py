"""Who may do what with charters and organisations. Views check these names, nothing else."""

import rules

from charters.enums import MembershipRole, MembershipStatus, SignatureAction, VersionStatus
from platform_.accounts.rules import is_council_officer, is_on_tenant_site


@rules.predicate
def is_signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


def _active_membership_roles(user, organisation) -> set[str]:
    """Roles the user holds at the organisation, memoised on the user for this request."""
    if not user.is_authenticated or organisation is None:
        return set()
    cache = user.__dict__.setdefault("_organisation_roles", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = set(
            organisation.memberships.filter(user=user, status=MembershipStatus.ACTIVE).values_list(
                "role", flat=True
            )
        )
    return cache[organisation.pk]


@rules.predicate
def is_organisation_lead(user, organisation) -> bool:
    return MembershipRole.LEAD in _active_membership_roles(user, organisation)


@rules.predicate
def is_organisation_member_of(user, organisation) -> bool:
    return bool(_active_membership_roles(user, organisation))


@rules.predicate
def leads_the_organisation_of(user, membership) -> bool:
    return membership is not None and is_organisation_lead(user, membership.organisation)


# --- State predicates: what the object's state allows, whoever asks (transition guards). ---------


@rules.predicate
def is_draft_version(user, version) -> bool:
    return version is not None and version.status == VersionStatus.DRAFT


@rules.predicate
def is_join_request(user, membership) -> bool:
    return membership is not None and membership.status == MembershipStatus.REQUESTED


@rules.predicate
def is_open_membership(user, membership) -> bool:
    return membership is not None and membership.status in MembershipStatus.open()


@rules.predicate
def has_signed(user, organisation) -> bool:
    current = organisation.current_signature if organisation is not None else None
    return current is not None and current.action == SignatureAction.SIGNED


tenant_officer = is_on_tenant_site & is_council_officer

rules.add_perm("charters.edit_charter", tenant_officer)
rules.add_perm("charters.edit_draft", tenant_officer & is_draft_version)
rules.add_perm("charters.view_all_organisations", tenant_officer)
rules.add_perm("charters.register_organisation", is_on_tenant_site & is_signed_in)
rules.add_perm("charters.view_organisation", is_organisation_member_of | tenant_officer)
rules.add_perm("charters.manage_members", is_organisation_lead)
rules.add_perm("charters.approve_membership", leads_the_organisation_of & is_join_request)
rules.add_perm("charters.decline_membership", leads_the_organisation_of & is_open_membership)
rules.add_perm("charters.sign_charter", is_organisation_lead)
rules.add_perm("charters.withdraw_signature", is_organisation_lead & has_signed)
rules.add_perm("charters.update_pledges", is_organisation_lead)
