"""`manage.py create_council` prints the address the new council really answers at."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from infra.dev import run
from tenants.models import Tenant

ROOT = Path(__file__).resolve().parents[2]


def test_create_council_prints_the_address_with_the_configured_port(db, settings):
    settings.SITE_SCHEME = "http"
    settings.SITE_PORT_SUFFIX = ":8000"
    out = StringIO()

    call_command(
        "create_council",
        name="Gamma Council",
        slug="gamma",
        officer_email="lead@gamma.test",
        stdout=out,
    )

    assert out.getvalue().splitlines() == [
        "Created Gamma Council at http://gamma.localhost:8000/",
        "Invitation emailed to lead@gamma.test.",
    ]
    tenant = Tenant.objects.get(slug="gamma")
    assert tenant.primary_domain == "gamma.localhost"
    # Its pages name a real address from the start: the first officer's, until they change it.
    assert tenant.contact_email == "lead@gamma.test"


def test_make_run_links_name_the_port_it_serves_on():
    assert run.site_environment("8000", {}) == {"SITE_PORT_SUFFIX": ":8000"}
    assert run.site_environment("8001", {}) == {"SITE_PORT_SUFFIX": ":8001"}
    # A proxy in front (SITE_PORT_SUFFIX="") is the address people use, whatever the port.
    assert run.site_environment("8001", {"SITE_PORT_SUFFIX": ""}) == {"SITE_PORT_SUFFIX": ""}


def test_development_settings_read_the_port_make_run_wrote(tmp_path):
    """manage.py by hand (local settings) builds links with the port `make run` serves on."""
    code = (
        "from pathlib import Path\n"
        "from platform_.settings import base\n"
        f"base.BASE_DIR = Path({str(tmp_path)!r})\n"
        "import platform_.settings.local as local\n"
        "print(local.SITE_PORT_SUFFIX)\n"
    )
    (tmp_path / ".data").mkdir()
    (tmp_path / ".data" / "site.env").write_text("SITE_PORT_SUFFIX=:8001\n")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SITE_PORT_SUFFIX", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip() == ":8001", result.stderr
