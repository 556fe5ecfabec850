"""Production settings: refuse insecure values, and pass Django's deployment checklist."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "platform_.settings.production", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


SAFE = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": ".cocharter.example",
    "CERTIFICATE_KEY_ENCRYPTION_KEY": Fernet.generate_key().decode(),
}


def test_check_deploy_reports_nothing_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **SAFE)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_ALLOWED_HOSTS": ".cocharter.example"}, "DJANGO_SECRET_KEY must be set"),
        ({**SAFE, "DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY must be set"),
        ({**SAFE, "DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        (
            {**SAFE, "CERTIFICATE_KEY_ENCRYPTION_KEY": ""},
            "CERTIFICATE_KEY_ENCRYPTION_KEY must be set",
        ),
    ],
)
def test_production_settings_refuse_to_start_when_insecure(env, message):
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr
