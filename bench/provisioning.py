"""Provisioning a tenant both ways, on the same database with the full set of apps.

"clone" is the production path (tenants.services.provision_tenant: the template schema's DDL
replayed under the new name); "migrate" is the same service forced onto the fallback that runs every
migration into an empty schema. Runs alternate so drift in the machine's load hits both alike.

Prints: clone_s=<median> migrate_s=<median> ratio=<migrate/clone>
"""

from __future__ import annotations

import contextlib
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.local")

import django

django.setup()

from django.db import connection  # noqa: E402

from tenants import schema_cloning  # noqa: E402
from tenants.models import TemplateSnapshot, Tenant  # noqa: E402
from tenants.services import ensure_platform, provision_tenant  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
# The migrate path logs a warning each time it is taken; here that is the point.
logging.getLogger("tenants.services").setLevel(logging.ERROR)


def provision(slug: str, *, clone: bool) -> float:
    def unavailable(schema_name):
        raise schema_cloning.SchemaCloneUnavailable("benchmarking the migrate path")

    patch = mock.patch("tenants.services.clone_template_schema", unavailable)
    # The invitation row is written as in production, but its email is not queued: these
    # tenants are deleted at once, and no worker need send to them.
    no_email = mock.patch("platform_.outbox.services.enqueue_on_commit")
    with no_email, contextlib.nullcontext() if clone else patch:
        started = time.perf_counter()
        provision_tenant(name=f"Bench {slug}", slug=slug, officer_email="officer@bench.test")
        elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    Tenant.objects.get(slug=slug).delete(force_drop=True)
    return elapsed


def main() -> None:
    ensure_platform()
    for stale in Tenant.objects.filter(slug__startswith="bench-"):
        stale.delete(force_drop=True)
    TemplateSnapshot.objects.all().delete()
    started = time.perf_counter()
    schema_cloning.current_template_snapshot()  # built once per migration state, then reused
    snapshot_s = time.perf_counter() - started

    clone_times, migrate_times = [], []
    for run in range(RUNS):
        clone_times.append(provision(f"bench-clone-{run}", clone=True))
        migrate_times.append(provision(f"bench-migrate-{run}", clone=False))

    clone_s, migrate_s = statistics.median(clone_times), statistics.median(migrate_times)
    print(f"snapshot_build_s={snapshot_s:.3f}")
    print(f"clone_s={clone_s:.3f} migrate_s={migrate_s:.3f} ratio={migrate_s / clone_s:.1f}")


if __name__ == "__main__":
    main()
