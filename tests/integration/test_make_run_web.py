"""`make run`'s web process as infra/dev/run.py starts it (gunicorn, the Dockerfile's options,
development settings) serves pages and their CSS and JavaScript, with DEBUG on (as `make run`
has it) and off: WhiteNoise finds them in static/build, with no collectstatic."""

from __future__ import annotations

import re
import subprocess
import urllib.request

import pytest

from infra.dev import run
from tests.helpers import subprocess_env
from tests.processes import ROOT, stop, wait_for

pytestmark = pytest.mark.integration


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 -- loopback only
        return response.status, response.headers["Content-Type"], response.read()


@pytest.mark.parametrize("debug", ["1", "0"])
def test_make_run_web_serves_a_page_and_its_static_files(
    debug, django_db_setup, django_db_blocker, tmp_path
):
    port = str(run.free_port())
    with django_db_blocker.unblock():
        env = subprocess_env(DJANGO_SETTINGS_MODULE="platform_.settings.local", DJANGO_DEBUG=debug)
    log = (tmp_path / "web.log").open("w")
    command = run.web_command(port, {})
    assert command[2] == "gunicorn"
    web = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://localhost:{port}"

    def up() -> bool:
        try:
            return fetch(base + "/accessibility/")[0] == 200
        except OSError:
            return False

    try:
        assert wait_for(up, timeout=60), (tmp_path / "web.log").read_text()
        status, _, page = fetch(base + "/")
        assert status == 200
        html = page.decode()
        css = re.search(r'<link rel="stylesheet" href="(/static/[^"]+\.css)">', html)[1]
        js = re.search(r'<script type="module" src="(/static/[^"]+\.mjs)">', html)[1]

        css_status, css_type, css_body = fetch(base + css)
        js_status, js_type, _ = fetch(base + js)

        assert (css_status, css_type.split(";")[0]) == (200, "text/css")
        assert b".govuk-" in css_body
        assert (js_status, js_type.split(";")[0]) in {
            (200, "text/javascript"),
            (200, "application/javascript"),
        }
    finally:
        stop(web)
        print((tmp_path / "web.log").read_text())
