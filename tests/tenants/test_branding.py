import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.branding import contrast_with_white
from tenants.services import update_branding

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_branding_stylesheet_carries_the_tenant_colour(tenant_a, client_a):
    update_branding(tenant_a, brand_colour="#0b5e5b")
    response = client_a.get("/branding.css")
    assert response["Content-Type"] == "text/css"
    assert ".app-header { background-color: #0b5e5b;" in response.content.decode()


@pytest.mark.parametrize("colour", ["#ffdd00", "#cccccc", "blue", "#12345", "#gggggg"])
def test_colours_unreadable_behind_white_text_are_refused(tenant_a, colour):
    with pytest.raises(ValidationError):
        update_branding(tenant_a, brand_colour=colour)


def test_contrast_ratio_matches_wcag_figures():
    assert round(contrast_with_white("#000000"), 1) == 21.0
    assert round(contrast_with_white("#1d70b8"), 1) == 5.2


def test_logo_is_shown_in_the_header_and_served_per_tenant(tenant_a, client_a, client_b):
    update_branding(tenant_a, logo=SimpleUploadedFile("crest.PNG", PNG))
    try:
        assert tenant_a.logo.name.startswith(f"tenants/{tenant_a.schema_name}/logo-")
        html = client_a.get("/").content.decode()
        assert (
            '<img class="app-header__logo" src="/branding/logo" alt="Alpha City Council logo">'
            in html
        )

        response = client_a.get("/branding/logo")
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == PNG
        assert client_b.get("/branding/logo").status_code == 404
    finally:
        tenant_a.logo.delete(save=False)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.png", b"<svg onload=alert(1)>"),
        ("logo.png", b"GIF89a" + b"\x00" * 10),
        ("big.png", PNG + b"\x00" * (1024 * 1024)),
    ],
)
def test_logos_are_checked_by_content_and_size(tenant_a, name, content):
    with pytest.raises(ValidationError):
        update_branding(tenant_a, logo=SimpleUploadedFile(name, content))
