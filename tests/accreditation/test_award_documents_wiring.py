"""An award's certificate and badge are made when it becomes public: at the ceremony release and
for a re-issued award; the holder's page then offers them, and the public page to check it."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from accreditation import services
from accreditation.models import Award
from tests.factories import AwardFactory
from tests.helpers import login


@pytest.fixture
def embargoed(tenant_a, application):
    with tenant_context(tenant_a):
        application.status = "awarded"
        application.save(update_fields=["status"])
        return AwardFactory(
            application=application,
            public_from=timezone.now() + timedelta(days=1),
            released_at=None,
        )


def test_the_ceremony_release_makes_the_documents_after_commit(
    tenant_a, embargoed, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        with django_capture_on_commit_callbacks() as after_commit:
            services.release_due_awards(now=embargoed.public_from)
        embargoed.refresh_from_db()
        assert embargoed.certificate_generated_at is None  # not before the commit
        for callback in after_commit:
            callback()
        embargoed.refresh_from_db()
        assert embargoed.certificate_generated_at is not None
        assert embargoed.certificate.name.endswith(".pdf")
        assert embargoed.credential is not None


def test_a_re_issued_award_gets_documents_of_its_own(
    tenant_a, embargoed, officer_a, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        with django_capture_on_commit_callbacks(execute=True):
            services.release_due_awards(now=embargoed.public_from)
            new = services.reissue_award(
                Award.objects.get(pk=embargoed.pk), acting_user=officer_a, reason="Name misspelt"
            )
        new.refresh_from_db()
        old = Award.objects.get(pk=embargoed.pk)
    assert new.certificate_generated_at is not None
    assert new.certificate.name != old.certificate.name
    assert new.credential["credential"]["id"].endswith(f"/verify/{new.verification_code}/")


def test_the_holder_sees_the_documents_and_the_page_to_check_them(
    tenant_a, client_a, embargoed, lead_a, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        services.release_due_awards(now=embargoed.public_from)
    html = login(client_a, tenant_a, lead_a).get("/org/oakfield-primary-school/applications/")
    page = html.content.decode()
    assert f"/verify/{embargoed.verification_code}/" in page
    assert f"/org/oakfield-primary-school/awards/{embargoed.pk}/certificate.pdf" in page
    assert f"/org/oakfield-primary-school/awards/{embargoed.pk}/credential.json" in page


def test_an_embargoed_award_offers_neither_until_its_ceremony(
    tenant_a, client_a, embargoed, lead_a
):
    page = login(client_a, tenant_a, lead_a).get("/org/oakfield-primary-school/applications/")
    html = page.content.decode()
    assert "/verify/" not in html
    assert "certificate.pdf" not in html
