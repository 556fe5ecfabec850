import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django_tenants.utils import tenant_context

from charters import default_charter, selectors, services
from charters.enums import VersionStatus
from charters.models import CharterVersion, Principle
from platform_.audit.models import AuditEvent
from platform_.outbox.models import OutboxEmail
from tests.fixtures.charters import register, sign
from tests.helpers import make_user


def keys(tenant) -> list[str]:
    with tenant_context(tenant):
        return list(AuditEvent.objects.order_by("pk").values_list("key", flat=True))


def test_a_new_tenant_starts_with_the_default_draft_in_plain_words(tenant_a):
    with tenant_context(tenant_a):
        draft = selectors.draft_version()
        assert selectors.current_version() is None
        assert draft.title == default_charter.TITLE
        titles = [p.title for p in draft.principles.all()]
        assert titles == [title for title, _, _ in default_charter.PRINCIPLES]
        assert "Nothing about us without us" in titles
        assert all(p.easy_read_text for p in draft.principles.all())
        assert draft.has_easy_read


def test_officer_edits_and_publishes_version_one(tenant_a, officer_a):
    with tenant_context(tenant_a):
        draft = selectors.draft_version()
        services.update_draft(
            draft,
            acting_user=officer_a,
            title="Alpha's charter",
            introduction="Intro",
            easy_read_introduction="Easy intro",
            co_writers=["Parent Carer Forum", " ", "Youth Council"],
        )
        version = services.publish_version(draft, acting_user=officer_a)

        assert (version.number, version.status) == (1, VersionStatus.PUBLISHED)
        assert version.co_writers == ["Parent Carer Forum", "Youth Council"]
        assert version.published_by == officer_a
        assert selectors.current_version() == version
        assert selectors.draft_version() is None
    assert keys(tenant_a)[-2:] == ["charters.draft.updated", "charters.version.published"]


def test_published_versions_cannot_change(tenant_a, officer_a, published_a):
    with tenant_context(tenant_a):
        with pytest.raises(services.CharterError, match="cannot change"):
            services.update_draft(published_a, acting_user=officer_a, title="X", introduction="Y")
        with pytest.raises(services.CharterError):
            services.add_principle(published_a, acting_user=officer_a, title="X", text="Y")
        with pytest.raises(services.CharterError):
            services.publish_version(published_a, acting_user=officer_a)
        principle = published_a.principles.first()
        with pytest.raises(services.CharterError):
            services.remove_principle(principle, acting_user=officer_a)


def test_a_new_draft_copies_the_published_version_and_publishes_as_version_two(
    tenant_a, officer_a, published_a
):
    with tenant_context(tenant_a):
        draft = services.start_new_draft(published_a.charter, acting_user=officer_a)
        assert services.start_new_draft(published_a.charter, acting_user=officer_a) == draft
        assert [p.title for p in draft.principles.all()] == [
            p.title for p in published_a.principles.all()
        ]

        services.add_principle(
            draft, acting_user=officer_a, title="Fair pay", text="We pay people."
        )
        version_two = services.publish_version(draft, acting_user=officer_a)

        assert version_two.number == 2
        assert published_a.principles.count() == 7  # version 1 untouched
        assert version_two.principles.count() == 8
        assert selectors.current_version() == version_two


def test_principles_are_added_moved_and_removed_in_order(tenant_a, officer_a):
    with tenant_context(tenant_a):
        draft = selectors.draft_version()
        added = services.add_principle(draft, acting_user=officer_a, title="Last", text="x")
        assert added.position == 8
        services.move_principle(added, acting_user=officer_a, up=True)
        titles = list(draft.principles.order_by("position").values_list("title", flat=True))
        assert titles[-2:] == ["Last", default_charter.PRINCIPLES[-1][0]]

        services.remove_principle(draft.principles.get(position=1), acting_user=officer_a)
        assert list(
            draft.principles.order_by("position").values_list("position", flat=True)
        ) == list(range(1, 8))
        first = draft.principles.order_by("position").first()
        assert services.move_principle(first, acting_user=officer_a, up=True).position == 1


def test_publishing_is_refused_without_principles_or_picture_descriptions(tenant_a, officer_a):
    with tenant_context(tenant_a):
        draft = selectors.draft_version()
        Principle.objects.filter(version=draft).update(picture="charters/pictures/x.png")
        with pytest.raises(services.CharterError, match="Describe every picture"):
            services.publish_version(draft, acting_user=officer_a)
        Principle.objects.filter(version=draft).delete()
        with pytest.raises(services.CharterError, match="at least one principle"):
            services.publish_version(draft, acting_user=officer_a)
        assert not CharterVersion.objects.published().exists()


def test_only_council_officers_write_the_charter(tenant_a):
    member = make_user(tenant_a, "member@alpha.test", is_organisation_member=True, is_assessor=True)
    with tenant_context(tenant_a):
        draft = selectors.draft_version()
        for action in (
            lambda: services.update_draft(draft, acting_user=member, title="x", introduction="y"),
            lambda: services.add_principle(draft, acting_user=member, title="x", text="y"),
            lambda: services.publish_version(draft, acting_user=member),
            lambda: services.start_new_draft(draft.charter, acting_user=member),
        ):
            with pytest.raises(PermissionDenied):
                action()
        assert selectors.current_version() is None


def test_publishing_a_new_version_invites_signatories_of_older_versions_once(
    tenant_a, officer_a, published_a, django_capture_on_commit_callbacks
):
    old_lead = make_user(tenant_a, "lead@old.test")
    new_lead = make_user(tenant_a, "lead@new.test")
    old_org = register(tenant_a, old_lead, name="Old School", postcode="WV2 2AA")
    sign(tenant_a, old_org, old_lead)
    with tenant_context(tenant_a):
        draft = services.start_new_draft(published_a.charter, acting_user=officer_a)
        with django_capture_on_commit_callbacks(execute=True):
            version_two = services.publish_version(draft, acting_user=officer_a)
    new_org = register(tenant_a, new_lead, name="New School", postcode="WV3 3AA")
    sign(tenant_a, new_org, new_lead)

    assert [m.to for m in mail.outbox] == [["lead@old.test"]]
    assert "version 2" in mail.outbox[0].body
    assert "http://alpha.localhost/org/old-school/sign/" in mail.outbox[0].body
    with tenant_context(tenant_a):
        assert services.tell_signatories_of_new_version(version_two) == 0  # once only
        assert list(OutboxEmail.objects.values_list("recipient", "dedup_key")) == [
            ("lead@old.test", f"charters.resign:{version_two.pk}:{old_org.pk}")
        ]


def test_re_sign_emails_are_owed_in_the_publishing_transaction(tenant_a, officer_a, published_a):
    """Not left to a task that a broker outage could lose: the rows exist before any commit."""
    lead = make_user(tenant_a, "lead@old.test")
    organisation = register(tenant_a, lead, name="Old School", postcode="WV2 2AA")
    sign(tenant_a, organisation, lead)
    with tenant_context(tenant_a):
        draft = services.start_new_draft(published_a.charter, acting_user=officer_a)
        services.publish_version(draft, acting_user=officer_a)  # on_commit never runs here
        owed = list(OutboxEmail.objects.values_list("recipient", "sent_at"))
    assert owed == [("lead@old.test", None)]
