"""Migration 0015 turns the JSON kept in text columns into JSON columns, rows and all.

Rows are written at revision 0014 as the code before 0015 left them (JSON text, and the odd
empty or broken value), then the migration runs and the same rows read back as values, on
SQLite and (when TEST_DATABASE_URL is set) PostgreSQL. Downgrade gives the text back.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import text
from sqlmodel import Session

from records.core.db import make_engine
from records.letters.models import StoredLetter
from records.lifecycle.models import Deadline, Event
from records.schema.migrate import downgrade, upgrade

WHEN = datetime(2026, 11, 1, tzinfo=UTC)
SCHEMA = "migration_json"

# Parents first, so every foreign key can point at row 1 of its table.
TABLES = [
    "organization",
    "user",
    "agency",
    "recordrequest",
    "storedfile",
    "document",
    "event",
    "deadline",
    "proposedevent",
    "inboundmailbox",
    "inboundmessage",
    "storedletter",
    "orglettersettings",
    "batchjob",
    "agencyrevision",
]

# (table, column) -> the text 0014's code stored in row 1, and what row 2 held ("" or broken).
STORED: dict[tuple[str, str], tuple[Any, str]] = {
    ("agencyrevision", "changes"): ({"name": ["Old", "New"]}, ""),
    ("document", "exemptions"): (["b5", "b6"], ""),
    ("proposedevent", "data"): ({"tracking": "T-1"}, "not json"),
    ("inboundmessage", "candidates"): ([3, 4], ""),
    ("inboundmessage", "proposal"): ({"category": "reply", "days": 10}, "[]"),
    ("storedletter", "items"): (["emails:sent"], ""),
    ("storedletter", "variables"): ({"date_from": "2026-01-01"}, ""),
    ("storedletter", "options"): ({"recipient": "Records Office"}, "null"),
    ("storedletter", "warnings"): (["Check the address"], ""),
    ("orglettersettings", "overrides"): ({"closing": "Thanks,"}, ""),
    ("batchjob", "spec"): ({"subject": "emails"}, ""),
    ("batchjob", "pending"): ([7, 8], ""),
    ("batchjob", "results"): ([{"agency_id": 6, "letter_id": 2}], "{}"),
    ("event", "data"): ({"amount": "12.50"}, ""),
    ("deadline", "inputs"): ({"deemed_denial": True}, "  "),
}
EMPTY = {"[]": [], "{}": {}}
# Tables with a unique key that a second row would break: only row 1 is written there.
ONE_ROW = {"orglettersettings", "organization", "user", "agency", "storedfile", "inboundmailbox"}

# Unique text columns of the tables written twice.
UNIQUE = {("inboundmessage", "dedupe_key")}


def _filler(column: sa.Column) -> Any:
    """A value for a required column the test does not care about."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer | sa.Numeric):
        return 1
    if isinstance(kind, sa.DateTime):
        return WHEN
    if isinstance(kind, sa.Date):
        return date(2026, 10, 1)
    if isinstance(kind, sa.LargeBinary):
        return b""
    return "x"


def _write_0014_rows(conn: Any) -> None:
    meta = sa.MetaData()
    meta.reflect(conn, only=TABLES)
    for name in TABLES:
        table = meta.tables[name]
        for row_id in (1,) if name in ONE_ROW else (1, 2):
            row: dict[str, Any] = {}
            for column in table.columns:
                if column.name == "id":
                    row["id"] = row_id
                elif (name, column.name) in STORED:
                    value, odd = STORED[(name, column.name)]
                    row[column.name] = json.dumps(value) if row_id == 1 else odd
                elif (name, column.name) in UNIQUE:
                    row[column.name] = f"{column.name}-{row_id}"
                elif not column.nullable and column.server_default is None:
                    row[column.name] = _filler(column)
            conn.execute(table.insert(), [row])


def _read(conn: Any) -> dict[tuple[str, str, int], Any]:
    out = {}
    for (table, column), _ in STORED.items():
        t = sa.table(table, sa.column("id"), sa.column(column, sa.JSON()))
        for row_id, value in conn.execute(sa.select(t.c.id, t.c[column])).all():
            out[(table, column, row_id)] = value
    return out


def _check(url: str) -> None:
    upgrade(url, "0014")
    engine = make_engine(url)
    with engine.begin() as conn:
        _write_0014_rows(conn)
    upgrade(url)
    with engine.begin() as conn:
        got = _read(conn)
    with Session(engine) as db:  # the models read the same values and write new ones
        event = db.get(Event, 1)
        letter = db.get(StoredLetter, 1)
        assert event is not None and letter is not None
        assert event.data == {"amount": "12.50"}
        assert letter.warnings == ["Check the address"]
        letter.warnings = [*letter.warnings, "Bounced"]
        db.add(letter)
        db.commit()
        db.refresh(letter)
        assert letter.warnings == ["Check the address", "Bounced"]
        deadline = db.get(Deadline, 2)
        assert deadline is not None and deadline.inputs == {}
    for (table, column), (value, odd) in STORED.items():
        assert got[(table, column, 1)] == value, (table, column)
        if table not in ONE_ROW:
            empty = EMPTY["[]" if isinstance(value, list) else "{}"]
            assert got[(table, column, 2)] == empty, (table, column, odd)
    downgrade(url, "0014")
    with engine.begin() as conn:
        stored = conn.execute(text("SELECT warnings FROM storedletter WHERE id = 1")).scalar()
        exemptions = conn.execute(text("SELECT exemptions FROM document WHERE id = 2")).scalar()
    engine.dispose()
    assert json.loads(stored) == ["Check the address", "Bounced"]
    assert exemptions == "[]"


def test_0015_reads_sqlite_json_text_back_as_values(tmp_path):
    _check(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.fixture
def pg_scoped() -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("PostgreSQL leg only (TEST_DATABASE_URL)")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    yield url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{SCHEMA}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    engine.dispose()


def test_0015_converts_postgres_text_to_json_in_place(pg_scoped):
    _check(pg_scoped)
