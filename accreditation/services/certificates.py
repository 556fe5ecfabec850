"""Certificate numbers: a locked per-council, per-year counter (DESIGN §5)."""

from __future__ import annotations

from django.db import connection

from accreditation.models import CertificateCounter


def next_certificate_sequence(year: int) -> int:
    """The next number in ``year``, taken in the caller's transaction.

    One upsert both creates the year's row and increments it; the row stays locked until the
    caller commits, so concurrent awards queue up and never share a number, and a rolled-back
    award gives its number back.
    """
    table = CertificateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "  # noqa: S608 (model table name)
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [year],
        )
        return cursor.fetchone()[0]


def certificate_number(year: int) -> str:
    """``<COUNCIL>-<year>-<nnnn>``, e.g. ``WOLV-2027-0042``."""
    prefix = connection.tenant.slug.upper().replace("-", "")[:6]
    return f"{prefix}-{year}-{next_certificate_sequence(year):04d}"
