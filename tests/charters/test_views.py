import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from charters import selectors
from charters.models import Organisation, Signature
from tests.fixtures.charters import ORGANISATION, next_year
from tests.helpers import login, make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_officer_writes_previews_and_publishes_through_the_pages(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    assert client_a.get("/manage/charter/").status_code == 200

    response = client_a.post(
        "/manage/charter/draft/",
        {
            "title": "Alpha charter",
            "introduction": "Hello",
            "easy_read_introduction": "Hi",
            "co_writers": "Parent Carer Forum\nYouth Council\n",
        },
    )
    assert response.status_code == 302
    response = client_a.post(
        "/manage/charter/draft/principles/add/",
        {
            "title": "Pictures help",
            "text": "We use pictures.",
            "easy_read_text": "Pictures.",
            "picture": SimpleUploadedFile("p.png", PNG, content_type="image/png"),
            "picture_alt": "Two people talking",
        },
    )
    assert response.status_code == 302
    preview = client_a.get("/manage/charter/draft/preview/?easy_read=1").content.decode()
    assert "This is the draft" in preview and "Two people talking" in preview

    assert client_a.post("/manage/charter/draft/publish/").status_code == 302
    with tenant_context(tenant_a):
        version = selectors.current_version()
        picture = version.principles.get(title="Pictures help")
    assert (version.number, version.co_writers) == (1, ["Parent Carer Forum", "Youth Council"])
    public = client_a.get(f"/charter/pictures/{picture.pk}/")
    assert b"".join(public.streaming_content) == PNG
    try:
        assert "Version 1" in client_a.get("/manage/charter/").content.decode()
    finally:
        with tenant_context(tenant_a):
            picture.picture.delete(save=False)


def test_principle_form_errors_show_a_summary_and_keep_input(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    response = client_a.post(
        "/manage/charter/draft/principles/add/",
        {
            "title": "Kept",
            "text": "",
            "picture": SimpleUploadedFile("x.png", b"GIF89a....", content_type="image/png"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html
    assert "The picture must be a PNG or JPEG image." in html
    assert 'value="Kept"' in html


def test_draft_pictures_are_hidden_from_the_public(tenant_a, officer_a, client_a):
    login(client_a, tenant_a, officer_a)
    client_a.post(
        "/manage/charter/draft/principles/add/",
        {
            "title": "P",
            "text": "t",
            "picture": SimpleUploadedFile("p.png", PNG, content_type="image/png"),
            "picture_alt": "alt",
        },
    )
    with tenant_context(tenant_a):
        principle = selectors.draft_version().principles.get(title="P")
    try:
        assert client_a.get(f"/charter/pictures/{principle.pk}/").status_code == 200
        client_a.post("/accounts/logout/")
        assert client_a.get(f"/charter/pictures/{principle.pk}/").status_code == 404
    finally:
        with tenant_context(tenant_a):
            principle.picture.delete(save=False)


def test_publishing_without_principles_shows_the_reason(tenant_a, officer_a, client_a):
    with tenant_context(tenant_a):
        selectors.draft_version().principles.all().delete()
    login(client_a, tenant_a, officer_a)
    html = client_a.post("/manage/charter/draft/publish/").content.decode()
    assert "govuk-error-summary" in html and "Add at least one principle" in html


@pytest.mark.parametrize(
    "path",
    [
        "/manage/charter/",
        "/manage/charter/draft/",
        "/manage/charter/draft/publish/",
        "/manage/organisations/",
        "/manage/organisations.csv",
        "/manage/signatures.csv",
    ],
)
def test_officer_pages_refuse_other_roles(tenant_a, client_a, path):
    member = make_user(tenant_a, "m@alpha.test", is_organisation_member=True, is_assessor=True)
    login(client_a, tenant_a, member)
    assert client_a.get(path).status_code == 403


def test_registering_through_the_page_then_signing_with_pledges(tenant_a, published_a, client_a):
    lead = make_user(tenant_a, "head@oakfield.test")
    login(client_a, tenant_a, lead)
    response = client_a.post("/org/new/", {**ORGANISATION, "postcode": "wv11re"})
    assert response.status_code == 302 and response["Location"] == "/org/oakfield-primary-school/"

    response = client_a.post(
        "/org/oakfield-primary-school/sign/",
        {
            "signatory_name": "Pat Head",
            "signatory_job_title": "Headteacher",
            "commitment": "We will listen.",
            "consent_to_publish": "on",
            "pledges-TOTAL_FORMS": "3",
            "pledges-INITIAL_FORMS": "0",
            "pledges-0-text": "Pay parent carers",
            "pledges-0-target_date": next_year().strftime("%d/%m/%Y"),
            "pledges-1-text": "",
            "pledges-1-target_date": "",
            "pledges-2-text": "",
            "pledges-2-target_date": "",
        },
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        signature = Signature.objects.get()
        assert [p.text for p in signature.pledges.all()] == ["Pay parent carers"]
    html = client_a.get("/org/oakfield-primary-school/").content.decode()
    assert "Signed version 1" in html and "Badge for your website" in html


def test_organisation_form_errors_are_summarised_and_input_kept(tenant_a, client_a):
    login(client_a, tenant_a, make_user(tenant_a, "x@alpha.test"))
    response = client_a.post(
        "/org/new/", {**ORGANISATION, "postcode": "nonsense", "school_urn": "12"}
    )
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Enter a real UK postcode, like WV1 1RE." in html
    assert "Enter the school&#x27;s 6-digit URN, like 104321, or leave it empty." in html
    assert 'value="Oakfield Primary School"' in html


def test_duplicate_name_offers_to_join_instead(tenant_a, organisation_a, signed_a, client_a):
    login(client_a, tenant_a, make_user(tenant_a, "other@alpha.test"))
    html = client_a.post("/org/new/", ORGANISATION).content.decode()
    assert "Is this your organisation?" in html
    assert 'href="/org/oakfield-primary-school/join/"' in html
    assert 'name="confirmed_different" value="True"' in html
    with tenant_context(tenant_a):
        assert Organisation.objects.count() == 1


def test_sign_form_errors_keep_input(tenant_a, organisation_a, lead_a, published_a, client_a):
    login(client_a, tenant_a, lead_a)
    html = client_a.post(
        "/org/oakfield-primary-school/sign/",
        {
            "signatory_name": "Pat",
            "signatory_job_title": "",
            "commitment": "",
            "pledges-TOTAL_FORMS": "1",
            "pledges-INITIAL_FORMS": "0",
            "pledges-0-text": "A pledge",
            "pledges-0-target_date": "",
        },
    ).content.decode()
    assert "govuk-error-summary" in html
    assert "Enter a target date for this pledge." in html
    assert 'value="Pat"' in html and 'value="A pledge"' in html


def test_organisation_pages_refuse_people_outside_it(tenant_a, organisation_a, signed_a, client_a):
    outsider = make_user(tenant_a, "outsider@alpha.test", is_organisation_member=True)
    login(client_a, tenant_a, outsider)
    assert client_a.get("/org/oakfield-primary-school/").status_code == 403
    assert client_a.get("/org/oakfield-primary-school/sign/").status_code == 403
    assert (
        client_a.post(
            "/org/oakfield-primary-school/members/invite/", {"email": "a@b.test"}
        ).status_code
        == 403
    )
    assert client_a.get("/org/oakfield-primary-school/join/").status_code == 200


def test_members_who_are_not_leads_see_but_cannot_sign(
    tenant_a, organisation_a, lead_a, published_a, client_a
):
    from charters import services

    teacher = make_user(tenant_a, "teacher@oakfield.test")
    with tenant_context(tenant_a):
        membership = services.request_to_join(organisation_a, acting_user=teacher)
        services.approve_membership(membership, acting_user=lead_a)
    login(client_a, tenant_a, teacher)
    assert client_a.get("/org/oakfield-primary-school/").status_code == 200
    assert client_a.get("/org/oakfield-primary-school/sign/").status_code == 403


def test_officers_see_every_organisation_and_export_csv(tenant_a, officer_a, signed_a, client_a):
    login(client_a, tenant_a, officer_a)
    assert "Oakfield Primary School" in client_a.get("/manage/organisations/").content.decode()
    assert client_a.get("/org/oakfield-primary-school/").status_code == 200
    organisations = client_a.get("/manage/organisations.csv").content.decode().splitlines()
    assert organisations[1].startswith(
        "Oakfield Primary School,School,1 Oak Lane,,Alphaton,WV1 1RE,Northside,,104321,,"
    )
    assert organisations[1].endswith(",Signed,1")
    signatures = client_a.get("/manage/signatures.csv").content.decode().splitlines()
    assert signatures[1].startswith("Oakfield Primary School,Signed,1,")
    assert "Pat Head,Headteacher,We will listen and act.,yes," in signatures[1]
