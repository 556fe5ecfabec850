"""A deploy with no new migrations over many councils: stock ``migrate_schemas`` against ours.

Provisions BENCH_COUNCILS councils (default 200) through the real provisioning service (cloned
from the template), then times, alternately, stock django-tenants ``migrate_schemas --tenant``
(standard executor, every schema migrated one after another) and the project's deploy path,
``manage.py migrate_tenants`` (tenants/deploy.py: public schema, platform rows, template, then
only the councils lacking a migration, in parallel). Ours does more (the shared schema and the
template too), so the ratio is, if anything, understated. The councils are dropped afterwards.

Prints: councils= provision_s= provision_per_council_s= stock_s= ours_s= ratio=<stock/ours>
"""

from __future__ import annotations

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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tenants.models import Tenant  # noqa: E402
from tenants.services import ensure_platform, provision_tenant  # noqa: E402

COUNCILS = int(os.environ.get("BENCH_COUNCILS", "200"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
PREFIX = "bench-mig-"


def drop_bench_councils() -> None:
    connection.set_schema_to_public()
    for tenant in Tenant.objects.filter(slug__startswith=PREFIX):
        tenant.delete(force_drop=True)


def provision_councils() -> float:
    # The invitation rows are written as in production, but no email is queued for them.
    with mock.patch("platform_.outbox.services.enqueue_on_commit"):
        started = time.perf_counter()
        for number in range(COUNCILS):
            provision_tenant(
                name=f"Bench council {number}",
                slug=f"{PREFIX}{number:04d}",
                officer_email="officer@bench.test",
            )
        elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    return elapsed


def timed(command: str, **options) -> float:
    started = time.perf_counter()
    call_command(command, verbosity=0, **options)
    elapsed = time.perf_counter() - started
    connection.set_schema_to_public()
    return elapsed


def main() -> None:
    logging.getLogger("tenants").setLevel(logging.WARNING)
    call_command("migrate_tenants", verbosity=0)  # the starting point: everything up to date
    ensure_platform()
    drop_bench_councils()
    try:
        provision_s = provision_councils()
        stock_times, ours_times = [], []
        for _ in range(ROUNDS):
            stock_times.append(
                timed("migrate_schemas", tenant=True, executor="standard", interactive=False)
            )
            ours_times.append(timed("migrate_tenants"))
    finally:
        drop_bench_councils()
    stock_s, ours_s = statistics.median(stock_times), statistics.median(ours_times)
    print(
        f"councils={COUNCILS} provision_s={provision_s:.1f} "
        f"provision_per_council_s={provision_s / COUNCILS:.3f}"
    )
    print(f"stock_s={stock_s:.2f} ours_s={ours_s:.2f} ratio={stock_s / ours_s:.1f}")


if __name__ == "__main__":
    main()
