"""CSV downloads: one way to build them, with cells a spreadsheet will not run as formulas."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

# A cell starting with one of these is a formula to Excel and friends (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_row(values: Iterable) -> list:
    return [
        f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
        for value in values
    ]


def csv_text(header: Sequence[str], rows: Iterable[Iterable]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(safe_row(row) for row in rows)
    return out.getvalue()


def csv_download(filename: str, text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
