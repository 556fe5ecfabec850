import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django_tenants.utils import tenant_context

from platform_.accounts.models import User
from platform_.demo import DEMO_LOGINS, DEMO_PASSWORD, ensure_demo_tenant
from tests.helpers import host_of


@pytest.fixture(autouse=True)
def _remove_demo_files():
    """The demo stores evidence files; the database rolls back, the files must go too."""
    yield
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "t_demo", ignore_errors=True)


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


def test_demo_council_has_a_living_register(db, client):
    from charters import selectors
    from charters.models import Organisation

    tenant, _ = ensure_demo_tenant()
    with tenant_context(tenant):
        version = selectors.current_version()
        assert version.number == 1 and version.has_easy_read and len(version.co_writers) == 4
        assert selectors.draft_version() is not None  # version 2 in progress
        assert Organisation.objects.count() >= 20
        assert len(set(Organisation.objects.values_list("kind", flat=True))) == 9
        listed = selectors.register_entries()
        assert listed.count() >= 15
        states = {p.state for o in listed for p in o.current_signature.pledges.all()}
        assert states == {"met", "overdue", "in progress"}
    html = client.get("/register/", HTTP_HOST=host_of(tenant)).content.decode()
    assert "Oakfield Primary School" in html


def test_demo_council_has_an_open_round_with_applications_in_every_state(db):
    from accreditation.enums import ApplicationStatus
    from accreditation.models import Application, Award, Evidence
    from accreditation.selectors import open_rounds

    tenant, _ = ensure_demo_tenant()
    with tenant_context(tenant):
        assert len(open_rounds()) == 1
        states = set(Application.objects.values_list("status", flat=True))
        assert states == set(ApplicationStatus.values)
        assert Evidence.objects.filter(kind="file").exists()
        statuses = sorted(award.status for award in Award.objects.all())
        assert statuses == [
            "embargoed",
            "expired",
            "expiring",
            "revoked",
            "valid",
            "valid",
        ]


def test_demo_council_easy_read_principles_carry_pictures_with_descriptions(db, client):
    from charters import selectors
    from charters.forms import PICTURE_SIGNATURES

    tenant, _ = ensure_demo_tenant()
    with tenant_context(tenant):
        principles = list(selectors.current_version().principles.all())
        descriptions = [p.picture_alt for p in principles]
        heads = []
        for principle in principles:
            with principle.picture.open("rb") as picture:
                heads.append(picture.read(8))

    assert len(principles) == 7
    assert all(head.startswith(PICTURE_SIGNATURES) for head in heads)  # what the form accepts
    assert len(set(descriptions)) == 7 and all(len(d.split()) >= 5 for d in descriptions)
    html = client.get("/charter/easy-read/", HTTP_HOST=host_of(tenant)).content.decode()
    for principle in principles:
        assert f'src="/charter/pictures/{principle.pk}/" alt="{principle.picture_alt}"' in html
    response = client.get(f"/charter/pictures/{principles[0].pk}/", HTTP_HOST=host_of(tenant))
    assert response["Content-Type"] == "image/png"
