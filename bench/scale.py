"""How cost grows with councils: provisioning, database and catalog size, and a public page's
latency at 10, 100 and 1,000 councils (BENCH_SCALE_MAX cuts the largest count; default 1000).

Councils are made through the real provisioning service (tenants.services.provision_tenant, the
template's DDL replayed). At each count N:
- ``councils_N_provision_s_per_council``: provisioning as a sign up experiences it with spare
  schemas on (tenants/spares.py): a spare is ready, so the council's schema is a rename. The
  refill that made that spare (a full clone) ran just before, NOT timed: in production it runs
  in a Celery task between sign ups, off the sign up's path. ``_median_s`` too;
- ``councils_N_clone_s_per_council``: the same with spares off (SPARE_SCHEMAS=0): the cold clone
  of the template, what every sign up paid before spares and still pays when none is ready (and
  what the refill task pays, in the background). ``_clone_median_s`` too;
  the last 2 x BENCH_SCALE_BATCH (default 10) councils that bring the count to N alternate the
  two (BATCH of each, timed one by one, not the cumulative average);
- ``councils_N_db_bytes_per_council``: the database's growth since the start, per council (the
  register council's organisations left out), catalog growth included;
- ``councils_N_catalog_bytes``: pg_total_relation_size summed over pg_catalog's tables;
- ``councils_N_register_p50_ms``/``_p99_ms``: ``/register/`` of one council holding
  BENCH_SCALE_ORGANISATIONS (default 1,000) listed organisations, through gunicorn as the
  Dockerfile runs it (bench/_gunicorn.py), with the council's own Host. The whole-page cache
  (charters/page_cache.py) is turned off for it (PUBLIC_PAGE_CACHE=false), so every request runs
  its queries: what grows with councils is the database's cost, which a hit would not touch.
  Before timing, every council's /register/ is requested once, so each worker's
  database connection has touched every schema (its relation cache grows with them, as a
  production worker's does); timed requests alternate with requests to a random other council;
- ``councils_N_register_json_cold_p50_ms``/``_warm_p50_ms``: the cached open-data list, with the
  public cache's generation bumped before each request (cold: built from the database) and not;
- ``councils_N_pg_backend_rss_anon_mb_max``: the largest private memory of the workers' database
  backends after that sweep (their catalog caches, which grow with the schemas they touch).
- ``councils_N_loadavg_1m``: the machine's load then (figures compare only at like loads).
Then back to 10 (the others dropped), measured again as ``councils_10_again_*``: on a shared
machine, how much of a difference is the load of the moment rather than the councils. Then
``provision_ratio_1000_vs_10`` (with a spare), ``clone_ratio_1000_vs_10`` (without) and
``register_p50_ratio``/``register_p99_ratio`` (against both 10s) with the 1.5 target. Every
council and spare it made is dropped at the end, on failure and on Ctrl-C too (a batch of schemas
per transaction, bench/_councils.py).
"""

from __future__ import annotations

import logging
import os
import random
import signal
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.local")

import _gunicorn
import django

django.setup()

import _councils  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from charters import public_cache, selectors, services  # noqa: E402
from charters.enums import OrganisationKind, SignatureAction  # noqa: E402
from charters.models import Organisation, Pledge, Signature  # noqa: E402
from charters.validators import name_key  # noqa: E402
from platform_.accounts.models import User  # noqa: E402
from tenants import spares  # noqa: E402
from tenants.models import Domain, SpareSchema, Tenant  # noqa: E402
from tenants.schema_cloning import current_template_snapshot  # noqa: E402
from tenants.services import ensure_platform, provision_tenant  # noqa: E402

MAX = int(os.environ.get("BENCH_SCALE_MAX", "1000"))
COUNTS = sorted({n for n in (10, 100, 1000) if n < MAX} | {MAX})
BATCH = int(os.environ.get("BENCH_SCALE_BATCH", "10"))
ORGANISATIONS = int(os.environ.get("BENCH_SCALE_ORGANISATIONS", "1000"))
REQUESTS = int(os.environ.get("BENCH_SCALE_REQUESTS", "200"))
PREFIX = "bench-scale-"
TARGET = 1.5


def provision(number: int) -> Tenant:
    # The first officer's invitation is written as in production; its email is not queued, nor is
    # the refill a handout queues (timed_provision refills itself, untimed).
    with (
        mock.patch("platform_.outbox.services.enqueue_on_commit"),
        mock.patch("tenants.services.enqueue_on_commit"),
    ):
        tenant = provision_tenant(
            name=f"Bench scale council {number}",
            slug=f"{PREFIX}{number:04d}",
            officer_email="officer@bench.test",
        )
    connection.set_schema_to_public()
    return tenant


def timed_provision(number: int, *, spare: bool) -> tuple[Tenant, float]:
    """A council and the seconds its sign up waited. With ``spare``, one spare is made first
    (the refill task's full clone, in the background in production) and left out of the time;
    without, spares are off and the template is cloned on the sign up's path."""
    settings.SPARE_SCHEMAS = 1 if spare else 0
    try:
        if spare:
            spares.refill_spares()
            if not SpareSchema.objects.exists():
                raise RuntimeError("The refill made no spare schema")
        started = time.perf_counter()
        tenant = provision(number)
        elapsed = time.perf_counter() - started
        if spare and SpareSchema.objects.exists():
            raise RuntimeError(f"{tenant.schema_name} was cloned, not given the spare")
    finally:
        settings.SPARE_SCHEMAS = 0
    return tenant, elapsed


def seed_register(tenant: Tenant) -> None:
    """A published charter and ORGANISATIONS organisations on the register, written in bulk
    as the services would leave them (each signed, agreeing to be listed; a third with pledges)."""
    kinds = OrganisationKind.values
    areas = ["Northside", "Southside", "Eastbrook", "Westfield", "Town centre", ""]
    today = timezone.localdate()
    with tenant_context(tenant), mock.patch("platform_.outbox.services.enqueue_on_commit"):
        officer = User.objects.create_user(
            "officer@bench-scale.test", None, full_name="Bench officer", is_council_officer=True
        )
        version = services.publish_version(selectors.draft_version(), acting_user=officer)
        organisations = []
        for n in range(ORGANISATIONS):
            name = f"{random.choice(['Oakfield', 'Riverside', 'St Mary', 'Hill Street'])} {n}"
            organisations.append(
                Organisation(
                    name=name,
                    name_key=name_key(name),
                    slug=f"organisation-{n}",
                    kind=kinds[n % len(kinds)],
                    address_line_1=f"{n + 1} High Street",
                    town="Demoton" if n % 3 else "Eastbrook",
                    postcode=f"WV{n % 14 + 1} {n % 9 + 1}RE",
                    area=areas[n % len(areas)],
                    website=f"https://organisation-{n}.example",
                    created_by=officer,
                )
            )
        organisations = Organisation.objects.bulk_create(organisations)
        signatures = Signature.objects.bulk_create(
            Signature(
                organisation=organisation,
                version=version,
                action=SignatureAction.SIGNED,
                signatory_name=f"Alex {organisation.name.split()[0]}",
                signatory_job_title="Director",
                commitment=f"{organisation.name} will plan with the people it serves.",
                consent_to_publish=True,
                recorded_by=officer,
                recorded_at=timezone.now() - timedelta(days=n % 365),
            )
            for n, organisation in enumerate(organisations)
        )
        for organisation, signature in zip(organisations, signatures, strict=True):
            organisation.current_signature = signature
        Organisation.objects.bulk_update(organisations, ["current_signature"], batch_size=500)
        Pledge.objects.bulk_create(
            Pledge(
                signature=signature,
                text="Pay parent carers for their time at every planning meeting",
                target_date=today + timedelta(days=30 * (i + 1) - 60),
            )
            for n, signature in enumerate(signatures)
            for i in range(n % 3)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would soon, so plans are the real ones
    connection.set_schema_to_public()


def database_bytes() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def catalog_bytes() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'pg_catalog' AND c.relkind = 'r'"
        )
        return int(cursor.fetchone()[0])


def schema_bytes(schema_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'm')",
            [schema_name],
        )
        return int(cursor.fetchone()[0])


def backend_rss_anon_mb() -> float:
    """The largest private memory (RssAnon) of this database's other backends: the workers'."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        pids = [row[0] for row in cursor.fetchall()]
    sizes = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue  # not on this machine, or gone
        for line in status.splitlines():
            if line.startswith("RssAnon:"):
                sizes.append(int(line.split()[1]) / 1024)
    return max(sizes, default=0.0)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


def timed_get(port: int, path: str, host: str) -> float:
    started = time.perf_counter()
    status = _gunicorn.get(port, path, host=host)
    elapsed = time.perf_counter() - started
    if status != 200:
        raise RuntimeError(f"{host}{path} answered {status}")
    return elapsed


def sweep(port: int, hosts: list[str]) -> None:
    for host in hosts:
        _gunicorn.get(port, "/register/", host=host)


def measure_pages(big: Tenant, councils: list[Tenant], prefix: str) -> dict[str, float]:
    host = big.primary_domain
    hosts = list(
        Domain.objects.filter(tenant__in=councils, is_primary=True).values_list("domain", flat=True)
    )
    others = [name for name in hosts if name != host]
    figures = {}
    # The whole-page cache off (charters/page_cache.py): a hit would touch no database, and the
    # growth asked about is the database's.
    no_page_cache = {"PUBLIC_PAGE_CACHE": "false"}
    with (
        _gunicorn.log_file() as log,
        _gunicorn.gunicorn(_gunicorn.DOCKERFILE_OPTIONS, log, env=no_page_cache) as port,
    ):
        started = time.perf_counter()
        # Every worker's connection touches every council's schema: three clients at once keep
        # the three workers busy, so each sweep's requests spread over all of them.
        sweeps = [
            threading.Thread(target=sweep, args=(port, hosts[start:] + hosts[:start]))
            for start in (0, len(hosts) // 3, 2 * len(hosts) // 3)
        ]
        for thread in sweeps:
            thread.start()
        for thread in sweeps:
            thread.join()
        figures["sweep_ms_per_request"] = (time.perf_counter() - started) * 1000 / (3 * len(hosts))
        figures["pg_backend_rss_anon_mb_max"] = backend_rss_anon_mb()
        register = []
        for _ in range(REQUESTS):
            register.append(timed_get(port, "/register/", host))
            if others:
                _gunicorn.get(port, "/register/", host=random.choice(others))
        figures["register_p50_ms"] = percentile(register, 0.5)
        figures["register_p99_ms"] = percentile(register, 0.99)
        cold, warm = [], []
        for _ in range(max(REQUESTS // 4, 1)):
            with tenant_context(big):
                public_cache.invalidate()
            cold.append(timed_get(port, "/register.json", host))
            warm.append(timed_get(port, "/register.json", host))
        connection.set_schema_to_public()
        figures["register_json_cold_p50_ms"] = percentile(cold, 0.5)
        figures["register_json_warm_p50_ms"] = percentile(warm, 0.5)
    for name, value in figures.items():
        print(f"{prefix}_{name}={value:.1f}", flush=True)
    return figures


def stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # so the finally below drops what was made


def main() -> None:
    logging.getLogger("tenants").setLevel(logging.WARNING)
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    random.seed(1)
    ensure_platform()
    current_template_snapshot()  # captured once, outside the timings
    _councils.drop_councils(Tenant.objects.filter(slug__startswith=PREFIX))  # an interrupted run's
    spares.refill_spares()  # SPARE_SCHEMAS is 0 here: drops an interrupted run's spares
    # A first provisioning in a process pays for imports and per-process caches: not timed.
    _councils.drop_councils(
        [timed_provision(9998, spare=True)[0], timed_provision(9999, spare=False)[0]]
    )
    councils: list[Tenant] = []
    made = 0  # councils provisioned so far (numbers their slugs)
    results: dict[str, dict[str, float]] = {}
    started_all = time.perf_counter()

    def provision_up_to(count: int) -> tuple[list[float], list[float]]:
        """Councils up to ``count``; the last 2 x BATCH timed one by one, alternately given a
        spare and cloned cold. Returns (times with a spare, cold clone times)."""
        nonlocal made
        with_spare, cold = [], []
        while len(councils) < count:
            timed = len(councils) >= count - 2 * BATCH
            spare = timed and (count - len(councils)) % 2 == 0
            tenant, elapsed = timed_provision(made, spare=spare)
            councils.append(tenant)
            made += 1
            if timed:
                (with_spare if spare else cold).append(elapsed)
        return with_spare, cold

    def checkpoint(label: str, batches: tuple[list[float], list[float]], extra) -> None:
        prefix = f"councils_{label}"
        with_spare, cold = batches
        figures = {
            "provision_s_per_council": sum(with_spare) / len(with_spare),
            "provision_median_s": statistics.median(with_spare),
            "clone_s_per_council": sum(cold) / len(cold),
            "clone_median_s": statistics.median(cold),
            **extra,
            "catalog_bytes": catalog_bytes(),
        }
        for name, value in figures.items():
            digits = 3 if name.endswith("_s") or "_s_" in name else 0
            print(f"{prefix}_{name}={value:.{digits}f}")
        print(f"{prefix}_elapsed_s={time.perf_counter() - started_all:.0f}")
        # The machine's load when measured: figures are only comparable at like loads.
        print(f"{prefix}_loadavg_1m={os.getloadavg()[0]:.1f}", flush=True)
        figures.update(measure_pages(big, councils, prefix))
        results[label] = figures

    try:
        baseline = database_bytes()
        big, seeded_extra = None, 0
        for count in COUNTS:
            batch = provision_up_to(count)
            if big is None:
                big = councils[0]
                empty = schema_bytes(big.schema_name)
                seed_register(big)
                seeded_extra = schema_bytes(big.schema_name) - empty
            size = (database_bytes() - baseline - seeded_extra) / count
            checkpoint(str(count), batch, {"db_bytes_per_council": size})
        if len(COUNTS) > 1:
            # Back to the smallest count (the others dropped) and measured again: how much of a
            # difference between counts is the shared machine's load at the time, not the
            # councils. The catalog keeps the dropped schemas' dead rows until vacuumed.
            keep = max(1, COUNTS[0] - BATCH)
            _councils.drop_councils(councils[keep:])
            del councils[keep:]
            checkpoint(f"{COUNTS[0]}_again", provision_up_to(COUNTS[0]), {})
    finally:
        started = time.perf_counter()
        settings.SPARE_SCHEMAS = 0
        spares.refill_spares()  # drops any spare left
        _councils.drop_councils(Tenant.objects.filter(slug__startswith=PREFIX))
        print(f"cleanup_s={time.perf_counter() - started:.1f}", flush=True)
    low, high = str(COUNTS[0]), str(COUNTS[-1])
    for baseline_label in (low, f"{low}_again"):
        if high == low or baseline_label not in results:
            continue
        tag = f"{high}_vs_{baseline_label}"
        for name, figure in (
            ("provision", "provision_s_per_council"),
            ("clone", "clone_s_per_council"),
            ("register_p50", "register_p50_ms"),
            ("register_p99", "register_p99_ms"),
        ):
            ratio = results[high][figure] / results[baseline_label][figure]
            print(f"{name}_ratio_{tag}={ratio:.2f} target={TARGET} met={ratio <= TARGET}")


if __name__ == "__main__":
    main()
