"""The register, its open data and the badge show Charter Status only while it is held: released,
not revoked, not replaced and not expired."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tests.factories import AwardFactory, AwardLevelFactory

ENTRY = "/register/oakfield-primary-school/"
BADGE = "/badge/oakfield-primary-school.svg"


def award_fields(status: str) -> dict:
    now = timezone.now()
    today = timezone.localdate()
    return {
        "valid": {},
        "expiring": {"expires_on": today + timedelta(days=30)},
        "embargoed": {"released_at": None, "public_from": now + timedelta(days=2)},
        "revoked": {"revoked_at": now, "revocation_reason": "Copied"},
        "expired": {"expires_on": today - timedelta(days=1)},
        "superseded": {"superseded_at": now},
    }[status]


@pytest.mark.parametrize(
    ("status", "held"),
    [
        ("valid", True),
        ("expiring", True),
        ("embargoed", False),
        ("revoked", False),
        ("expired", False),
        ("superseded", False),
    ],
)
def test_charter_status_is_shown_only_while_held(
    tenant_a, signed_a, organisation_a, client_a, status, held
):
    with tenant_context(tenant_a):
        award = AwardFactory(
            application__organisation=organisation_a,
            level=AwardLevelFactory(name="Gold", position=3),
            **award_fields(status),
        )
    expiry = award.expires_on.strftime("%-d %B %Y")

    listed = client_a.get("/register/").content.decode()
    assert (f"Gold, valid until {expiry}" in listed) is held
    assert ("(ends soon)" in listed) is (status == "expiring")
    holders = client_a.get("/register/?holders=on").context["page"]
    assert [o.name for o in holders] == (["Oakfield Primary School"] if held else [])

    entry = client_a.get(ENTRY).content.decode()
    assert (f"Gold, until {expiry}" in entry) is held

    csv_row = client_a.get("/register.csv").content.decode().strip().splitlines()[1]
    # The last column (pledges in progress) came after Charter Status's two.
    expected = f",Gold,{award.expires_on.isoformat()},1" if held else ",,,1"
    assert csv_row.endswith(expected)

    (row,) = json.loads(client_a.get("/register.json").content)["organisations"]
    assert (row["charter_status"], row["charter_status_expires_on"]) == (
        ("Gold", award.expires_on.isoformat()) if held else ("", "")
    )

    svg = client_a.get(BADGE).content.decode()
    if held:
        assert (
            '<title id="badge-title">Oakfield Primary School holds Charter Status at the level '
            "Gold from Alpha City Council</title>" in svg
        )
        assert f"Valid until {expiry}." in svg
    else:
        assert "signed the Alpha City Council co-production charter</title>" in svg
        assert "Gold" not in svg


def test_the_register_filters_by_level(tenant_a, signed_a, organisation_a, client_a):
    with tenant_context(tenant_a):
        gold = AwardLevelFactory(name="Gold", position=3)
        silver = AwardLevelFactory(name="Silver", position=2)
        AwardFactory(application__organisation=organisation_a, level=gold)
    page = client_a.get(f"/register/?level={gold.pk}")
    assert [o.name for o in page.context["page"]] == ["Oakfield Primary School"]
    assert f'<option value="{gold.pk}" selected>Gold</option>' in page.content.decode()
    assert list(client_a.get(f"/register/?level={silver.pk}").context["page"]) == []


def test_the_badge_stops_the_day_the_award_expires(tenant_a, signed_a, organisation_a, client_a):
    """The cached badge is keyed by day: no event marks an expiry, yet it must stop showing."""
    with tenant_context(tenant_a):
        AwardFactory(application__organisation=organisation_a, expires_on=timezone.localdate())
    assert "holds Charter Status" in client_a.get(BADGE).content.decode()
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args: tomorrow)
        assert "holds Charter Status" not in client_a.get(BADGE).content.decode()
