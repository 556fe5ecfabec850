import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from charters import selectors, services
from platform_ import data_generation
from tenants.services import update_contact_email
from tests.factories import OrganisationFactory, PledgeFactory, SignatureFactory
from tests.fixtures.charters import next_year, register, sign
from tests.helpers import make_user


@pytest.mark.parametrize("path", ["/charter/", "/charter/easy-read/"])
def test_charter_pages_say_it_is_being_written_before_publication(tenant_a, client_a, path):
    with tenant_context(tenant_a):
        update_contact_email(tenant_a, contact_email="charter@alpha.test", acting_user=None)

    response = client_a.get(path)

    # 200, not 404: people are sent here (home page, posters) before the words exist.
    assert response.status_code == 200
    assert response.templates[0].name == "charters/charter/being_written.html"
    html = response.content.decode()
    assert "<title>Our charter is being written \u2013 Alpha City Council</title>" in html
    assert '<h1 class="govuk-heading-xl">Our charter is being written</h1>' in html
    assert (
        'or to take part in writing it, contact <a class="govuk-link" '
        'href="mailto:charter@alpha.test">charter@alpha.test</a>.' in html
    )
    # The draft is the officer's: nothing of it shows.
    with tenant_context(tenant_a):
        draft = selectors.draft_version()
    assert draft.title not in html.split("<main")[1]


def test_home_says_the_charter_is_being_written_until_it_is_published(
    tenant_a, officer_a, client_a
):
    html = client_a.get("/").content.decode()
    assert "Our charter is being written." in html
    assert "Read our charter" not in html
    assert 'href="/charter/easy-read/"' not in html

    with tenant_context(tenant_a):
        services.publish_version(selectors.draft_version(), acting_user=officer_a)

    html = client_a.get("/").content.decode()
    assert "Our charter is being written." not in html
    assert '<a class="govuk-link" href="/charter/">Read our charter</a>' in html


def test_charter_page_shows_the_published_version_not_the_draft(
    tenant_a, officer_a, published_a, client_a
):
    with tenant_context(tenant_a):
        draft = services.start_new_draft(published_a.charter, acting_user=officer_a)
        services.update_draft(
            draft, acting_user=officer_a, title="Secret new title", introduction="x"
        )

    html = client_a.get("/charter/").content.decode()

    assert "Our co-production charter" in html
    assert "Secret new title" not in html
    assert "Nothing about us without us" in html
    assert 'href="/charter/easy-read/"' in html


def test_easy_read_page_shows_easy_read_words_and_co_writers(tenant_a, officer_a, client_a):
    with tenant_context(tenant_a):
        draft = selectors.draft_version()
        services.update_draft(
            draft,
            acting_user=officer_a,
            title="Our charter",
            introduction="Long words.",
            easy_read_introduction="Short words.",
            co_writers=["Youth Council"],
        )
        services.publish_version(draft, acting_user=officer_a)

    html = client_a.get("/charter/easy-read/").content.decode()

    assert "Short words." in html
    assert "Long words." not in html
    assert "We will not decide things about you without you." in html
    assert "Who wrote this with us" in html and "Youth Council" in html


def test_register_lists_signed_organisations_with_version_and_pledges(signed_a, client_a):
    html = client_a.get("/register/").content.decode()
    assert "Oakfield Primary School" in html
    assert "Signed version 1" in html
    assert "1 pledge" in html
    assert "1 organisation has signed" in html


def test_register_summarises_pledges_met_and_overdue(
    tenant_a, organisation_a, lead_a, published_a, client_a
):
    from datetime import timedelta

    from django.utils import timezone

    from charters.models import Pledge

    signature = sign(
        tenant_a,
        organisation_a,
        lead_a,
        pledges=[("A", next_year()), ("B", next_year()), ("C", next_year())],
    )
    with tenant_context(tenant_a):
        first, second, _ = signature.pledges.all()
        services.record_pledge_met(first, acting_user=lead_a, met_on=timezone.localdate())
        Pledge.objects.filter(pk=second.pk).update(
            target_date=timezone.localdate() - timedelta(days=1)
        )
    assert "3 pledges: 1 met, 1 overdue" in client_a.get("/register/").content.decode()


def test_register_search_filters_and_pages(tenant_a, published_a, client_a):
    for n in range(25):
        lead = make_user(tenant_a, f"lead{n}@school.test")
        kind = "school" if n % 2 else "charity"
        organisation = register(
            tenant_a,
            lead,
            name=f"Place {n:02d}",
            kind=kind,
            postcode="WV1 1RE",
            area="Eastside" if n < 5 else "Westside",
        )
        sign(tenant_a, organisation, lead)

    assert "Place 07" in client_a.get("/register/?q=place+07").content.decode()
    assert "Place 08" not in client_a.get("/register/?q=place+07").content.decode()
    charities = client_a.get("/register/?kind=charity").context["page"].paginator.count
    assert charities == 13
    eastside = client_a.get("/register/?area=Eastside").context["page"]
    assert [o.name for o in eastside] == [f"Place {n:02d}" for n in range(5)]
    second = client_a.get("/register/?page=2").context["page"]
    assert [o.name for o in second] == ["Place 20", "Place 21", "Place 22", "Place 23", "Place 24"]


def test_register_entry_shows_commitment_and_pledge_progress(signed_a, client_a):
    html = client_a.get("/register/oakfield-primary-school/").content.decode()
    assert "We will listen and act." in html
    assert "Pay parent carers" in html
    assert "In progress" in html


def test_open_data_csv_and_json(signed_a, client_a):
    csv_text = client_a.get("/register.csv").content.decode()
    lines = csv_text.strip().splitlines()
    assert (
        lines[0] == "name,kind,town,postcode,area,website,charter_version,signed_on,"
        "pledges_met,pledges_overdue,charter_status,charter_status_expires_on,pledges_in_progress"
    )
    assert lines[1].startswith("Oakfield Primary School,School,Alphaton,WV1 1RE,Northside,,1,")

    data = json.loads(client_a.get("/register.json").content)
    assert data["council"] == "Alpha City Council"
    assert [o["name"] for o in data["organisations"]] == ["Oakfield Primary School"]
    assert data["organisations"][0]["pledges"][0]["state"] == "in progress"


def test_csv_cells_cannot_become_spreadsheet_formulas(tenant_a, published_a, client_a):
    lead = make_user(tenant_a, "x@evil.test")
    organisation = register(tenant_a, lead, name='=HYPERLINK("http://evil")', postcode="WV2 2AA")
    sign(tenant_a, organisation, lead)
    assert "'=HYPERLINK" in client_a.get("/register.csv").content.decode()


def test_badge_is_an_accessible_svg_linking_to_the_register(signed_a, client_a):
    response = client_a.get("/badge/oakfield-primary-school.svg")
    svg = response.content.decode()
    assert response["Content-Type"] == "image/svg+xml"
    assert 'role="img"' in svg
    assert (
        '<title id="badge-title">Oakfield Primary School signed the Alpha City Council '
        "co-production charter</title>" in svg
    )
    assert 'href="http://alpha.localhost/register/oakfield-primary-school/"' in svg


def test_badge_is_not_found_for_unsigned_or_unlisted_organisations(
    tenant_a, organisation_a, lead_a, published_a, client_a
):
    assert client_a.get("/badge/oakfield-primary-school.svg").status_code == 404
    sign(tenant_a, organisation_a, lead_a, consent=False)
    assert client_a.get("/badge/oakfield-primary-school.svg").status_code == 404


def test_public_caches_follow_changes_once_they_commit(
    tenant_a, organisation_a, lead_a, signed_a, client_a, django_capture_on_commit_callbacks
):
    assert "Oakfield" in client_a.get("/register.csv").content.decode()
    assert client_a.get("/badge/oakfield-primary-school.svg").status_code == 200
    with django_capture_on_commit_callbacks() as after_commit, tenant_context(tenant_a):
        services.withdraw_signature(organisation_a, acting_user=lead_a, reason="x")
    # Not yet committed: the cache is not dropped, so no reader can re-cache the old rows
    # between the drop and the commit and keep them for an hour.
    # (Each write also asks for its council's data generation to move on at the commit.)
    public_cache_drop = [c for c in after_commit if not isinstance(c, data_generation._Bump)]
    assert len(public_cache_drop) == 1
    assert "Oakfield" in client_a.get("/register.csv").content.decode()

    public_cache_drop[0]()  # the commit

    assert "Oakfield" not in client_a.get("/register.csv").content.decode()
    assert client_a.get("/badge/oakfield-primary-school.svg").status_code == 404


@pytest.mark.parametrize("path", ["/charter/", "/register/", "/register.csv", "/register.json"])
def test_public_pages_need_no_login(signed_a, client_a, path):
    assert client_a.get(path).status_code == 200


def test_open_data_csv_counts_every_pledge_state_the_json_lists(tenant_a, published_a, client_a):
    today = timezone.localdate()
    # (met, in progress, overdue) pledges per organisation.
    wanted = {"School A": (1, 2, 0), "School B": (0, 0, 3), "School C": (2, 1, 1), "D": (0, 0, 0)}
    with tenant_context(tenant_a):
        for name, (met, in_progress, overdue) in wanted.items():
            signature = SignatureFactory(organisation=OrganisationFactory(name=name))
            PledgeFactory.create_batch(met, signature=signature, met_on=today)
            PledgeFactory.create_batch(in_progress, signature=signature)
            PledgeFactory.create_batch(
                overdue, signature=signature, target_date=today - timedelta(days=1)
            )

    rows = list(csv.DictReader(io.StringIO(client_a.get("/register.csv").content.decode())))
    entries = json.loads(client_a.get("/register.json").content)["organisations"]

    assert [row["name"] for row in rows] == [entry["name"] for entry in entries]
    assert sorted(row["name"] for row in rows) == sorted(wanted)
    for row, entry in zip(rows, entries, strict=True):
        states = [pledge["state"] for pledge in entry["pledges"]]
        counts = (states.count("met"), states.count("in progress"), states.count("overdue"))
        assert counts == wanted[entry["name"]]
        assert (
            int(row["pledges_met"]),
            int(row["pledges_in_progress"]),
            int(row["pledges_overdue"]),
        ) == counts
        for column in ("kind", "town", "postcode", "area", "website", "signed_on"):
            assert row[column] == str(entry[column])
        assert row["charter_version"] == str(entry["charter_version"])
