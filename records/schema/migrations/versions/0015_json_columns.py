"""Real JSON columns where JSON is stored.

Fifteen columns kept JSON as text and were decoded by hand wherever they were read: the
letters' items, variables, options and warnings, the letter settings' overrides, a batch's
spec, pending and results, a document's exemptions, an imported email's candidates and
proposal, an event's data, a deadline's inputs, a proposed event's data and an agency
revision's changes. They become JSON columns (``json`` on PostgreSQL, a ``JSON`` column of
JSON text on SQLite), like the audit log's.

Before the type changes, every value that is empty, NULL, not JSON, or not of the column's
shape (a list or an object) is set to the column's empty value (``[]`` or ``{}``), which is
what the readers made of it before. PostgreSQL converts in place (``USING col::json``);
SQLite rebuilds each table (batch mode) and keeps the text, which is already JSON.

Downgrade turns the columns back into text holding the same JSON.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# table -> [(column, empty value)]
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "agencyrevision": [("changes", "{}")],
    "document": [("exemptions", "[]")],
    "proposedevent": [("data", "{}")],
    "inboundmessage": [("candidates", "[]"), ("proposal", "{}")],
    "storedletter": [("items", "[]"), ("variables", "{}"), ("options", "{}"), ("warnings", "[]")],
    "orglettersettings": [("overrides", "{}")],
    "batchjob": [("spec", "{}"), ("pending", "[]"), ("results", "[]")],
    "event": [("data", "{}")],
    "deadline": [("inputs", "{}")],
}


@contextmanager
def _foreign_keys_off() -> Iterator[None]:
    """SQLite: rebuilding a table (batch mode) drops the old one, which with foreign keys on
    would cascade into the tables pointing at it (a proposed event's event, a document's
    register facts). The pragma only changes outside a transaction, so the work so far is
    committed, the rebuilds run with foreign keys off, and every reference is checked before
    they are turned on again."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind.exec_driver_sql("BEGIN")
    try:
        yield
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"references left dangling: {broken[:5]}")
    finally:
        bind.exec_driver_sql("COMMIT")
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")
        bind.exec_driver_sql("BEGIN")


def _well_formed(raw: str | None, empty: str) -> bool:
    try:
        value = json.loads(raw) if raw else None
    except ValueError:
        return False
    return isinstance(value, list if empty == "[]" else dict)


def _normalize(bind: Any, table: str, column: str, empty: str) -> None:
    """Every value the column cannot hold as its shape becomes its empty value."""
    bind.execute(
        sa.text(f"UPDATE {table} SET {column} = :e WHERE {column} IS NULL OR {column} = ''"),
        {"e": empty},
    )
    rows = bind.execute(sa.text(f"SELECT id, {column} FROM {table}")).all()
    bad = [{"i": i, "e": empty} for i, raw in rows if not _well_formed(raw, empty)]
    if bad:
        bind.execute(sa.text(f"UPDATE {table} SET {column} = :e WHERE id = :i"), bad)


def _retype_postgres(bind: Any, to: str) -> None:
    """Change each column's type in place; a column default (some columns were added with
    one) cannot be cast, so it is dropped first and set again as the new type."""
    for table, columns in COLUMNS.items():
        defaults = dict(
            bind.execute(
                sa.text(
                    "SELECT column_name, column_default FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = :t"
                ),
                {"t": table},
            ).all()
        )
        parts = []
        for column, empty in columns:
            if defaults.get(column) is not None:
                parts.append(f"ALTER COLUMN {column} DROP DEFAULT")
            parts.append(f"ALTER COLUMN {column} TYPE {to} USING {column}::{to}")
            if defaults.get(column) is not None:
                parts.append(f"ALTER COLUMN {column} SET DEFAULT '{empty}'::{to}")
        op.execute(f'ALTER TABLE "{table}" ' + ", ".join(parts))


def upgrade() -> None:
    bind = op.get_bind()
    for table, columns in COLUMNS.items():
        for column, empty in columns:
            _normalize(bind, table, column, empty)
    if bind.dialect.name == "postgresql":
        _retype_postgres(bind, "json")
        return
    with _foreign_keys_off():
        for table, columns in COLUMNS.items():
            with op.batch_alter_table(table, schema=None) as batch_op:
                for column, _ in columns:
                    batch_op.alter_column(
                        column, existing_type=sa.Text(), type_=sa.JSON(), existing_nullable=False
                    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _retype_postgres(bind, "text")
        return
    with _foreign_keys_off():
        for table, columns in COLUMNS.items():
            with op.batch_alter_table(table, schema=None) as batch_op:
                for column, _ in columns:
                    batch_op.alter_column(
                        column, existing_type=sa.JSON(), type_=sa.Text(), existing_nullable=False
                    )
