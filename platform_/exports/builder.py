"""Writes a council's export zip to a file, a row and a file at a time.

Nothing here holds a whole table or a whole file in memory: rows come from the database in
chunks and are written straight into the zip entry, and files are copied into the zip a megabyte
at a time (an evidence video of a gigabyte costs a megabyte of memory). The zip is written to a
real file, which zipfile needs to seek back and fill in each entry's sizes.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import logging
import shutil
import zipfile
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from accreditation.models import Award
from charters.csv_export import safe_row
from platform_.exports.contents import FILES_FOLDER, TABLES, Table, path_in_export

logger = logging.getLogger(__name__)

COPY_CHUNK = 1024 * 1024
CREDENTIALS_FOLDER = f"{FILES_FOLDER}/credentials"


@dataclass
class Summary:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    missing: list[str] = field(default_factory=list)


def write_export(out: BinaryIO) -> Summary:
    """Write the current tenant's export as a zip into ``out`` (a seekable binary file)."""
    summary = Summary()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for table in TABLES:
            summary.rows[table.name] = _write_csv(archive, table)
            _write_json(archive, table)
        copied: set[str] = set()
        for table in TABLES:
            for file in table.files():
                name = path_in_export(file)
                if name in copied:
                    continue  # a renewal's evidence shares its files by name with the last one
                copied.add(name)
                if _copy_file(archive, file, name):
                    summary.files += 1
                else:
                    summary.missing.append(name)
        summary.files += _write_credentials(archive)
        _write_text(archive, "README.txt", readme(summary))
    return summary


def _entry(archive: zipfile.ZipFile, name: str, compress_type: int) -> BinaryIO:
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = compress_type
    info.external_attr = 0o644 << 16
    # force_zip64: the size is not known in advance and may pass 4 GB.
    return archive.open(info, "w", force_zip64=True)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return value


def _write_csv(archive: zipfile.ZipFile, table: Table) -> int:
    count = 0
    with io.TextIOWrapper(
        _entry(archive, f"{table.name}.csv", zipfile.ZIP_DEFLATED), encoding="utf-8", newline=""
    ) as text:
        writer = csv.writer(text)
        writer.writerow(table.columns())
        for record in table.records():
            # Cells a spreadsheet would run as formulas get a leading apostrophe, as in every
            # CSV the site offers; the JSON file has the exact values.
            writer.writerow(safe_row(_cell(value) for value in record.values()))
            count += 1
    return count


def _write_json(archive: zipfile.ZipFile, table: Table) -> None:
    with io.TextIOWrapper(
        _entry(archive, f"{table.name}.json", zipfile.ZIP_DEFLATED), encoding="utf-8"
    ) as text:
        text.write("[")
        for index, record in enumerate(table.records()):
            text.write(",\n  " if index else "\n  ")
            text.write(json.dumps(record, cls=DjangoJSONEncoder, ensure_ascii=False))
        text.write("\n]\n")


def _write_text(archive: zipfile.ZipFile, name: str, text: str) -> None:
    with _entry(archive, name, zipfile.ZIP_DEFLATED) as entry:
        entry.write(text.encode())


def _copy_file(archive: zipfile.ZipFile, file, name: str) -> bool:
    try:
        source = file.storage.open(file.name, "rb")
    except FileNotFoundError:
        logger.warning("Export of %s: %s is missing from storage", connection.schema_name, name)
        return False
    # Stored, not compressed: evidence is mostly PDFs, images, audio and video, which are
    # compressed already, and deflating a large video only costs time.
    with source, _entry(archive, name, zipfile.ZIP_STORED) as entry:
        shutil.copyfileobj(source, entry, COPY_CHUNK)
    return True


def credential_path(award: Award) -> str:
    return f"{CREDENTIALS_FOLDER}/{award.certificate_number}.json"


def _write_credentials(archive: zipfile.ZipFile) -> int:
    count = 0
    awards = Award.objects.exclude(credential=None).only("certificate_number", "credential")
    for award in awards.order_by("pk").iterator(chunk_size=100):
        _write_text(archive, credential_path(award), json.dumps(award.credential, indent=2))
        count += 1
    return count


def readme(summary: Summary) -> str:
    tenant = connection.tenant
    lines = [
        f"{tenant.name}: everything CoCharter held for you",
        f"Exported on {timezone.localtime():%d %B %Y at %H:%M} from {tenant.build_url('/')}",
        "",
        "Each kind of data is in two files with the same rows: a .csv file (opens in a"
        " spreadsheet) and a .json file (for other software). Dates and times are in ISO 8601,"
        " times in UTC. Rows refer to each other by id: for example organisation_id in"
        " signatures.csv is the id column of organisations.csv, and user_id, recorded_by_id,"
        " decided_by_id and similar are the id column of people.csv.",
        "",
        "In a .csv file, a cell that a spreadsheet would run as a formula (starting with =, +,"
        " - or @) has an apostrophe in front; the .json file has the exact text.",
        "",
        "The files:",
        "",
    ]
    for table in TABLES:
        count = summary.rows.get(table.name, 0)
        rows = "1 row" if count == 1 else f"{count} rows"
        lines.append(f"{table.name}.csv / {table.name}.json ({rows})")
        lines.append(f"    {table.description}")
    lines += [
        "",
        f"{FILES_FOLDER}/ ({summary.files} {'file' if summary.files == 1 else 'files'})",
        f"    Uploaded files, as named by the path columns above: {FILES_FOLDER}/evidence/"
        f" (evidence files), {FILES_FOLDER}/certificates/ (signed certificate PDFs),"
        f" {FILES_FOLDER}/charters/pictures/ (pictures of principles), {CREDENTIALS_FOLDER}/"
        " (each award's signed Open Badges credential, by certificate number).",
        "",
        "Not exported: passwords (only a hash was kept), two-factor secrets, sign-in sessions,"
        " the secret parts of invitation and email links, the council's private signing key,"
        " and the emails the site sent.",
    ]
    if summary.missing:
        lines += ["", "Files named above that were missing from storage:"]
        lines += [f"    {name}" for name in summary.missing]
    return "\n".join(lines) + "\n"
