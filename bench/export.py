"""A council's data export through the real code path (build_export: tables as CSV and JSON,
files copied into the zip, the zip stored) with one evidence file of 16 MB and then of 512 MB,
in a bench council made here and dropped afterwards.

Each size runs in a fresh process, so the peak resident memory (ru_maxrss, Django loaded) of the
two is comparable: an export that read files whole would grow by the file's size.

Prints, per size: export_file_mb=<MB> seconds=<s> zip_mb=<MB> peak_rss_mb=<MB>
rss_growth_mb=<MB> (the peak during the export less the peak before it).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_.settings.local")

import django

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from accreditation.enums import EvidenceKind  # noqa: E402
from accreditation.models import Application, Evidence, Round  # noqa: E402
from bench._councils import drop_council, fresh_council  # noqa: E402
from charters.models import CharterVersion, Organisation  # noqa: E402
from platform_.exports.enums import ExportStatus  # noqa: E402
from platform_.exports.models import DataExport  # noqa: E402
from platform_.exports.services import build_export  # noqa: E402
from tenants.models import Tenant  # noqa: E402

SLUG = "bench-export"
SIZES_MB = [int(n) for n in os.environ.get("BENCH_EXPORT_MB", "16,512").split(",")]
BLOCK = os.urandom(1024 * 1024)  # incompressible, like most evidence files


def make_evidence(tenant: Tenant, size_mb: int) -> None:
    """One application with one evidence file of ``size_mb``, written to disk a block at a time;
    any earlier evidence removed."""
    with tenant_context(tenant):
        for old in Evidence.objects.all():
            old.file.delete(save=False)
            old.delete()
        organisation = Organisation.objects.first() or Organisation.objects.create(
            name="Bench School",
            slug="bench-school",
            kind="school",
            address_line_1="1 Oak Lane",
            town="Benchton",
            postcode="WV1 1RE",
        )
        today = timezone.localdate()
        round_, _ = Round.objects.get_or_create(
            name="Bench round",
            defaults={"opens_on": today, "closes_on": today + timedelta(days=30)},
        )
        application, _ = Application.objects.get_or_create(
            organisation=organisation, round=round_, version=CharterVersion.objects.first()
        )
        evidence = Evidence.objects.create(
            application=application,
            kind=EvidenceKind.FILE,
            title=f"A film of {size_mb} MB",
            file=ContentFile(b"", name="film.mp4"),
            original_filename="film.mp4",
            content_type="video/mp4",
            size=size_mb * 1024 * 1024,
        )
        with open(evidence.file.path, "wb") as file:
            for _ in range(size_mb):
                file.write(BLOCK)


def child(size_mb: int) -> None:
    tenant = Tenant.objects.get(slug=SLUG)
    with tenant_context(tenant):
        export = DataExport.objects.create()
        before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        started = time.perf_counter()
        # The ready email is written to the outbox but not queued: nobody reads it.
        with mock.patch("platform_.outbox.services.enqueue_on_commit"):
            export = build_export(export)
        elapsed = time.perf_counter() - started
        assert export.status == ExportStatus.READY, export.error
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"export_file_mb={size_mb} seconds={elapsed:.1f} zip_mb={export.size / 2**20:.0f} "
            f"peak_rss_mb={peak_mb:.0f} rss_growth_mb={peak_mb - before_mb:.1f}",
            flush=True,
        )
        export.file.delete(save=False)


def main() -> int:
    tenant = fresh_council(name="Bench Export Council", slug=SLUG)
    failed = 0
    try:
        for size_mb in SIZES_MB:
            make_evidence(tenant, size_mb)
            result = subprocess.run(
                [sys.executable, __file__, "--child", str(size_mb)], check=False
            )
            failed |= result.returncode != 0
    finally:
        drop_council(Tenant.objects.get(slug=SLUG))
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[2]))
    else:
        sys.exit(main())
