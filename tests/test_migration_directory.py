"""Migration 0013 turns each organization's copies of one agency into one shared entry.

Rows are written as the schema before 0013 held them (each organization with its own copies),
then the migration runs, on SQLite and (with TEST_DATABASE_URL) on PostgreSQL: every reference
moves to the kept row, notes become each organization's own, nothing is lost.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select, text
from sqlmodel import SQLModel

import records.core.models  # noqa: F401  (registers every table)
from records.core.db import make_engine
from records.schema.migrate import downgrade, upgrade

T = SQLModel.metadata.tables
WHEN = datetime(2026, 11, 1, tzinfo=UTC)
OLD_AGENCY = sa.table(
    "agency",
    *(
        sa.column(name)
        for name in [
            "id",
            "org_id",
            "name",
            "level",
            "jurisdiction",
            "parent_id",
            "component",
            "foia_email",
            "portal_url",
            "mailing_address",
            "phone",
            "notes",
            "source",
            "created_at",
            "updated_at",
        ]
    ),
)


def _agency(ident: int, org: int, name: str, juris: str = "AL", **kw: Any) -> dict[str, Any]:
    row = {
        "id": ident,
        "org_id": org,
        "name": name,
        "level": "police",
        "jurisdiction": juris,
        "parent_id": None,
        "component": "",
        "foia_email": "",
        "portal_url": "",
        "mailing_address": "",
        "phone": "",
        "notes": "",
        "source": "",
        "created_at": WHEN,
        "updated_at": WHEN,
    }
    return row | kw


def _old_world(conn: Any) -> None:
    conn.execute(
        T["organization"].insert(),
        [
            {"id": 1, "name": "Clinic", "kind": "clinic", "created_at": WHEN},
            {"id": 2, "name": "Newsroom", "kind": "newsroom", "created_at": WHEN},
        ],
    )
    conn.execute(
        T["user"].insert(),
        [
            {
                "id": i,
                "email": f"u{i}@example.org",
                "name": "",
                "password_hash": "x",
                "session_version": 1,
                "created_at": WHEN,
                "last_seen_url": "",
            }
            for i in (1, 2)
        ],
    )
    conn.execute(
        OLD_AGENCY.insert(),
        [
            _agency(1, 1, "Birmingham Police Department", notes="Clinic: ask for Lee"),
            _agency(2, 2, "Birmingham Police Dept.", notes="Newsroom: slow", phone="205-555-0100"),
            # A second copy in the same organization stays its own row (never merged silently).
            _agency(3, 1, "Birmingham Police Dept"),
            _agency(4, 2, "Birmingham City Jail", parent_id=2),
            _agency(5, 2, "Birmingham Police Department", "MI"),
        ],
    )
    base = {
        "subject": "other",
        "description": "",
        "tracking_number": "",
        "visibility": "organization",
        "status": "draft",
        "law_code": "AL",
        "created_at": WHEN,
        "updated_at": WHEN,
    }
    conn.execute(
        T["recordrequest"].insert(),
        [
            base | {"id": 1, "org_id": 1, "agency_id": 1, "created_by": 1, "title": "Clinic BPD"},
            base | {"id": 2, "org_id": 2, "agency_id": 2, "created_by": 2, "title": "News BPD"},
            base | {"id": 3, "org_id": 2, "agency_id": 4, "created_by": 2, "title": "News jail"},
        ],
    )
    conn.execute(
        T["agencyclosure"].insert(),
        [
            {
                "id": 1,
                "org_id": 2,
                "agency_id": 2,
                "name": "Ice storm",
                "source": "notice",
                "on": date(2026, 1, 20),
                "created_at": WHEN,
            }
        ],
    )


def _check(url: str) -> None:
    upgrade(url, "0012")
    engine = make_engine(url)
    with engine.begin() as conn:
        _old_world(conn)
    upgrade(url)
    with engine.begin() as conn:
        agencies = {
            r.id: r
            for r in conn.execute(
                select(
                    T["agency"].c.id,
                    T["agency"].c.name,
                    T["agency"].c.phone,
                    T["agency"].c.parent_id,
                    T["agency"].c.created_by_org_id,
                    T["agency"].c.name_key,
                )
            )
        }
        reqs = dict(
            conn.execute(select(T["recordrequest"].c.id, T["recordrequest"].c.agency_id)).all()
        )
        closure = conn.execute(select(T["agencyclosure"].c.agency_id)).scalar()
        notes = {
            (r.org_id, r.agency_id): r.notes
            for r in conn.execute(select(T["agencynote"]))  # type: ignore[arg-type]
        }
        revisions = conn.execute(
            select(T["agencyrevision"].c.agency_id, T["agencyrevision"].c.changes)
        ).all()
        entries = conn.execute(
            select(T["searchentry"].c.kind, T["searchentry"].c.item_id, T["searchentry"].c.org_id)
        ).all()
    engine.dispose()
    assert sorted(agencies) == [1, 3, 4, 5]  # 2 merged into 1
    assert agencies[1].phone == "205-555-0100" and agencies[1].created_by_org_id == 1
    assert agencies[1].name_key == "birmingham police department"
    assert agencies[4].parent_id == 1 and agencies[4].created_by_org_id == 2
    assert reqs == {1: 1, 2: 1, 3: 4}
    assert closure == 1
    assert notes == {(1, 1): "Clinic: ask for Lee", (2, 1): "Newsroom: slow"}
    assert [(a, c["merged"][0]["id"]) for a, c in revisions] == [(1, 2)]
    # The index was rebuilt: agencies' entries belong to no organization.
    assert {(k, i, o) for k, i, o in entries if k == "agency"} == {
        ("agency", 1, None),
        ("agency", 3, None),
        ("agency", 4, None),
        ("agency", 5, None),
    }
    assert {(k, i, o) for k, i, o in entries if k == "request"} == {
        ("request", 1, 1),
        ("request", 2, 2),
        ("request", 3, 2),
    }
    downgrade(url, "0012")
    engine = make_engine(url)
    with engine.begin() as conn:
        back = conn.execute(text("SELECT id, org_id, notes FROM agency ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in back] == [
        (1, 1, "Clinic: ask for Lee"),
        (3, 1, ""),
        (4, 2, ""),
        (5, 2, ""),
    ]


def test_0013_merges_copies_on_sqlite(tmp_path):
    _check(f"sqlite:///{tmp_path / 'm.db'}")


def test_0013_merges_copies_on_postgres():
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        # The PostgreSQL leg of CI sets TEST_DATABASE_URL; on SQLite runs this checks SQLite only.
        return
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE SCHEMA IF NOT EXISTS directory_check"))
    engine.dispose()
    scoped = url + ("&" if "?" in url else "?") + "options=-csearch_path%3Ddirectory_check"
    try:
        _check(scoped)
    finally:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA directory_check CASCADE"))
        engine.dispose()
