"""Start the test OpenID Connect provider: migrate its SQLite database, add the client and the
people described in OIDC_SEED (JSON), then serve on 127.0.0.1:OIDC_PORT until stopped.

OIDC_SEED: {"clients": [{"client_id", "client_secret", "redirect_uris": [...]}],
            "users": [{"username", "email", "name", "password"}]}
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"

import django  # noqa: E402 (after the settings module is chosen)

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


def seed(spec: dict) -> None:
    for client in spec.get("clients", []):
        Application.objects.create(
            name=client.get("name", client["client_id"]),
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=False,
        )
    for person in spec.get("users", []):
        User.objects.create_user(
            username=person["username"],
            email=person["email"],
            password=person["password"],
            first_name=person.get("name", ""),
        )


if __name__ == "__main__":
    call_command("migrate", verbosity=0, interactive=False)
    seed(json.loads(os.environ.get("OIDC_SEED", "{}")))
    call_command(
        "runserver",
        f"127.0.0.1:{os.environ['OIDC_PORT']}",
        use_reloader=False,
        use_threading=True,
        skip_checks=True,
    )
