"""Uniqueness rules enforced by the database, answered in words.

A service checks first ("already registered?") so people get a kind answer, but two requests at
the same moment both pass that check; the database's unique constraint is what stops the second
row. ``unique_or_raise`` turns that constraint's IntegrityError into the service's own refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from django.db import IntegrityError, transaction

Refusal = BaseException | Callable[[], BaseException]


class AlreadyExists(Exception):
    """The row the caller tried to add exists already; for services whose right answer to a
    double click is the existing row, which they catch this to fetch."""

    def __init__(self, constraint: str):
        super().__init__(f"A row breaking {constraint} exists already.")
        self.constraint = constraint


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint (or unique index) an IntegrityError broke, from PostgreSQL."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


@contextmanager
def unique_or_raise(refusals: Mapping[str, Refusal]) -> Iterator[None]:
    """Run the block in a savepoint; if it breaks one of the named constraints, raise that
    constraint's refusal (an exception, or a callable that makes one) instead.

    The savepoint means the caller's transaction survives: it can still fetch the row that won
    or render its message. Any other IntegrityError is re-raised unchanged, as it is a bug, not a
    race. Not for DEFERRABLE constraints, which are checked only at the final COMMIT, outside
    any savepoint: serialise those writers with a row lock instead (see add_principle).
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        refusal = refusals.get(violated_constraint(error) or "")
        if refusal is None:
            raise
        raise (refusal() if callable(refusal) else refusal) from error


def unique_field_constraint(model, field_name: str) -> str:
    """The name PostgreSQL gave a ``unique=True`` field's constraint, for ``unique_or_raise``.

    The column was created with an inline UNIQUE, which PostgreSQL names ``<table>_<column>_key``
    (shortened only past 63 characters, which no table here reaches; the race tests would fail).
    """
    column = model._meta.get_field(field_name).column
    return f"{model._meta.db_table}_{column}_key"
