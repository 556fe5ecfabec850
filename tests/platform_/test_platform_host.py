from platform_.accounts.models import User
from tests.helpers import TEST_PASSWORD


def test_platform_landing_page_says_what_cocharter_is(platform_client):
    html = platform_client.get("/").content.decode()
    assert "Co-production charters that people can see working" in html
    assert "Nothing about us without us" in html
    assert 'href="/accessibility/"' in html


def test_platform_staff_sign_in_to_the_admin_on_the_platform_host(platform_client):
    User.objects.create_superuser("staff@platform.test", TEST_PASSWORD)
    response = platform_client.post(
        "/admin/login/?next=/admin/",
        {"username": "staff@platform.test", "password": TEST_PASSWORD},
    )
    assert response.status_code == 302
    assert platform_client.get("/admin/tenants/tenant/").status_code == 200


def test_admin_lists_councils_but_not_the_template_or_public(platform_client):
    User.objects.create_superuser("staff@platform.test", TEST_PASSWORD)
    platform_client.login(username="staff@platform.test", password=TEST_PASSWORD)
    html = platform_client.get("/admin/tenants/tenant/").content.decode()
    assert "Alpha City Council" in html
    assert "cocharter-template" not in html  # slugs are a column of the list
    assert ">platform<" not in html


def test_tenant_sites_have_no_admin(client_a):
    assert client_a.get("/admin/").status_code == 404


def test_every_response_carries_a_strict_content_security_policy(platform_client, client_a):
    for response in (platform_client.get("/"), client_a.get("/accounts/login/")):
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
