"""Reading an export back: the zip of a DataExport, its tables parsed from CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from django_tenants.utils import tenant_context

from platform_.exports.contents import TABLES
from platform_.exports.enums import ExportStatus
from platform_.exports.services import request_export
from tests.helpers import committed


def export_now(tenant, officer) -> zipfile.ZipFile:
    """Request an export as ``officer`` and run its task (eagerly, after a real commit)."""
    with tenant_context(tenant):
        with committed():
            export = request_export(acting_user=officer)
        export.refresh_from_db()
        assert export.status == ExportStatus.READY, export.error
        with export.file.open("rb") as file:
            return zipfile.ZipFile(io.BytesIO(file.read()))


def read_tables(archive: zipfile.ZipFile) -> dict[str, list[dict]]:
    """Every table, from its JSON file, after checking its CSV has the same rows and columns."""
    tables = {}
    for table in TABLES:
        rows = json.loads(archive.read(f"{table.name}.json"))
        with archive.open(f"{table.name}.csv") as raw:
            csv_rows = list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")))
        assert len(csv_rows) == len(rows), table.name
        if rows:
            assert list(csv_rows[0]) == list(rows[0]), table.name
        csv_ids = [row.get("id", "") for row in csv_rows]
        assert csv_ids == [str(row["id"]) if "id" in row else "" for row in rows], table.name
        tables[table.name] = rows
    return tables
