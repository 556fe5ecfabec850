"""The version rule, read from the shipped files: the image's pg_dump is at least the server's.

pg_dump refuses to dump a newer server, and then every council created in that deployment falls
back to migrating from zero without a word. Reading infra/Dockerfile and infra/compose.yaml keeps
the image's client and the compose server from drifting apart again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tenants.schema_cloning import pg_dump_suits

INFRA = Path(__file__).resolve().parents[2] / "infra"
# The client a plain `postgresql-client` installs on each Debian release the image may be based on.
DEBIAN_CLIENT_MAJOR = {"bookworm": 15, "trixie": 17}


def _compose_value(text: str) -> str:
    """`${NAME:-default}` as compose reads it with NAME unset; anything else as written."""
    match = re.fullmatch(r"\$\{\w+:?-([^}]*)\}", text.strip().strip("\"'"))
    return match.group(1) if match else text.strip().strip("\"'")


def server_major(compose: str) -> int:
    match = re.search(r"^\s+image:\s*postgres:(\S+)", compose, re.MULTILINE)
    assert match, "compose.yaml has no postgres service image"
    return int(re.match(r"\d+", _compose_value(match.group(1))).group(0))


def client_major(dockerfile: str, compose: str) -> int:
    """The pg_dump major the image gets: the pinned client package, or Debian's default."""
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", dockerfile, re.MULTILINE))
    for name, value in re.findall(r"^\s+(\w+):\s*(\S+)\s*$", compose, re.MULTILINE):
        if name in args:  # a build argument compose passes overrides the Dockerfile's default
            args[name] = _compose_value(value)
    instructions = "\n".join(
        line for line in dockerfile.splitlines() if not line.lstrip().startswith("#")
    )
    package = re.search(r"postgresql-client(?:-(\$\{\w+\}|\$\w+|\d+))?(?![\w-])", instructions)
    assert package, "the Dockerfile installs no PostgreSQL client: pg_dump is missing"
    version = package.group(1)
    if version is None:
        release = re.search(r"^FROM python:\S*-(\w+)\s*$", dockerfile, re.MULTILINE).group(1)
        return DEBIAN_CLIENT_MAJOR[release]
    return int(args[version.strip("${}")] if version.startswith("$") else version)


def test_the_image_pg_dump_is_at_least_the_compose_server():
    dockerfile = (INFRA / "Dockerfile").read_text()
    compose = (INFRA / "compose.yaml").read_text()

    client, server = client_major(dockerfile, compose), server_major(compose)

    assert pg_dump_suits(client, server), f"pg_dump {client} cannot dump PostgreSQL {server}"
    assert (client, server) == (16, 16)


def test_the_rule_catches_debian_bookworm_client_against_postgres_16():
    # The files as they were: bookworm's postgresql-client (15) against postgres:16.
    dockerfile = (
        "FROM python:3.11-slim-bookworm\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client\n"
    )
    compose = "services:\n  postgres:\n    image: postgres:16\n"

    assert client_major(dockerfile, compose) == 15
    assert not pg_dump_suits(client_major(dockerfile, compose), server_major(compose))


def test_a_compose_build_argument_overrides_the_dockerfile_default():
    dockerfile = "ARG POSTGRES_MAJOR=16\nRUN apt-get install postgresql-client-${POSTGRES_MAJOR}\n"
    compose = (
        "x-app:\n  build:\n    args:\n      POSTGRES_MAJOR: ${POSTGRES_MAJOR:-17}\n"
        "services:\n  postgres:\n    image: postgres:${POSTGRES_MAJOR:-17}\n"
    )
    assert (client_major(dockerfile, compose), server_major(compose)) == (17, 17)


@pytest.mark.parametrize(
    ("client", "server", "suits"),
    [(15, 16, False), (16, 16, True), (17, 16, True), (16, 17, False)],
)
def test_pg_dump_suits_a_server_of_its_major_or_older(client, server, suits):
    assert pg_dump_suits(client, server) is suits
