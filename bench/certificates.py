"""Certificates through the real code path: make_award_documents (PDF drawn and signed by
pyHanko, Open Badges credential signed, file stored, row saved, audit event) on N awards of a
bench council made here and dropped afterwards.

Each N runs in a fresh process, so the peak resident memory (ru_maxrss, Django loaded) of 100
and of 1,000 certificates are comparable: a leak per certificate would show as growth.

Prints, for N=100 and N=1000: certificates=<N> seconds=<s> per_s=<rate> per_cpu_s=<rate>
peak_rss_mb=<MB>. per_cpu_s counts this process's CPU time only: on a shared machine it is the
rate the process would reach with a core to itself (the database's own work is not in it).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.local")

import django

django.setup()

from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from accreditation.enums import ApplicationStatus  # noqa: E402
from accreditation.models import Application, Award, AwardLevel, Round  # noqa: E402
from accreditation.services.documents import make_award_documents  # noqa: E402
from bench._councils import drop_council, fresh_council  # noqa: E402
from charters.models import CharterVersion, Organisation  # noqa: E402
from charters.validators import name_key  # noqa: E402
from tenants.models import Tenant  # noqa: E402

SLUG = "bench-certificates"
SIZES = [int(n) for n in os.environ.get("BENCH_CERTIFICATES", "100,1000").split(",")]


def make_awards(tenant: Tenant, count: int, batch: str) -> list[int]:
    """``count`` released awards, each of its own organisation and application (one current
    award per application), without documents."""
    with tenant_context(tenant):
        version = CharterVersion.objects.first()  # the draft provisioning made: enough here
        level = AwardLevel.objects.first() or AwardLevel.objects.create(
            name="Charter Status", position=1
        )
        today = timezone.localdate()
        award_round, _ = Round.objects.get_or_create(
            name="Bench round",
            defaults={"opens_on": today, "closes_on": today + timedelta(days=30)},
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Bench School {batch}-{n:04d}",
                name_key=name_key(f"Bench School {batch}-{n:04d}"),  # save() is bypassed
                slug=f"bench-school-{batch}-{n:04d}",
                kind="school",
                address_line_1="1 Oak Lane",
                town="Benchton",
                postcode="WV1 1RE",
                area="Northside",
            )
            for n in range(count)
        )
        applications = Application.objects.bulk_create(
            Application(
                organisation=organisation,
                round=award_round,
                version=version,
                status=ApplicationStatus.AWARDED,
                submitted_at=timezone.now(),
            )
            for organisation in organisations
        )
        awards = Award.objects.bulk_create(
            Award(
                application=application,
                organisation=application.organisation,
                level=level,
                certificate_number=f"BENCH-{batch}-{n:04d}",
                expires_on=today + timedelta(days=3 * 365),
                released_at=timezone.now(),
            )
            for n, application in enumerate(applications)
        )
        return [award.pk for award in awards]


def child(first: int, last: int) -> None:
    """Make the documents of awards ``first``..``last`` in the bench council; print figures."""
    tenant = Tenant.objects.get(slug=SLUG)
    with tenant_context(tenant):
        ids = list(
            Award.objects.filter(pk__gte=first, pk__lte=last)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        started, cpu_started = time.perf_counter(), time.process_time()
        for pk in ids:
            award = Award.objects.select_related("organisation", "level").get(pk=pk)
            assert make_award_documents(award)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"certificates={len(ids)} seconds={elapsed:.1f} per_s={len(ids) / elapsed:.1f} "
        f"per_cpu_s={len(ids) / cpu:.1f} peak_rss_mb={peak_mb:.0f}",
        flush=True,
    )


def main() -> int:
    tenant = fresh_council(name="Bench Certificates Council", slug=SLUG)
    failed = 0
    try:
        for size in SIZES:
            ids = make_awards(tenant, size, batch=str(size))
            result = subprocess.run(
                [sys.executable, __file__, "--child", str(ids[0]), str(ids[-1])], check=False
            )
            failed |= result.returncode != 0
    finally:
        drop_council(Tenant.objects.get(slug=SLUG))
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[2]), int(sys.argv[3]))
    else:
        sys.exit(main())
