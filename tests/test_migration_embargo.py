"""Migration 0005 carries embargo data over to the rule that an embargo only ever narrows.

Rows are written as the code before 0005 left them (that code no longer exists to write them),
then the migration runs and each item ends where the new rule and its member's choice put it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlmodel import SQLModel

import records.schema.tables  # noqa: F401  (every table on SQLModel.metadata)
from records.core.db import make_engine
from records.schema.migrate import upgrade

T = SQLModel.metadata.tables
WHEN = datetime(2026, 11, 1, tzinfo=UTC)
# The agency table as it was before migration 0013 (each organization kept its own copy).
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


def _old_world(conn: Any) -> None:
    conn.execute(
        T["organization"].insert(),
        [{"id": 1, "name": "Clinic", "kind": "clinic", "created_at": WHEN}],
    )
    conn.execute(
        T["user"].insert(),
        [
            {
                "id": 1,
                "email": "a@example.org",
                "name": "A",
                "password_hash": "x",
                "session_version": 1,
                "created_at": WHEN,
            }
        ],
    )
    conn.execute(
        OLD_AGENCY.insert(),
        [
            {
                "id": 1,
                "org_id": 1,
                "name": "Sheriff",
                "level": "sheriff",
                "jurisdiction": "TX",
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
        ],
    )
    requests = {
        1: "organization",  # waiting on its embargo: was going to be published
        2: "private",  # waiting: stays private
        3: "public",  # published by the old job although private was chosen
        4: "public",  # published by the old job, organization was chosen: stays public
    }
    conn.execute(
        T["recordrequest"].insert(),
        [
            {
                "id": i,
                "org_id": 1,
                "agency_id": 1,
                "created_by": 1,
                "subject": "other",
                "title": f"R{i}",
                "description": "",
                "tracking_number": "",
                "visibility": vis,
                "status": "draft",
                "law_code": "TX",
                "created_at": WHEN,
                "updated_at": WHEN,
            }
            for i, vis in requests.items()
        ],
    )
    conn.execute(
        T["requestembargo"].insert(),
        [
            {
                "request_id": 1,
                "org_id": 1,
                "embargo_until": date(2026, 12, 1),
                "published_at": None,
            },
            {
                "request_id": 2,
                "org_id": 1,
                "embargo_until": date(2026, 12, 1),
                "published_at": None,
            },
            {
                "request_id": 3,
                "org_id": 1,
                "embargo_until": date(2026, 11, 2),
                "published_at": WHEN,
            },
            {
                "request_id": 4,
                "org_id": 1,
                "embargo_until": date(2026, 11, 2),
                "published_at": WHEN,
            },
        ],
    )
    conn.execute(
        T["storedfile"].insert(),
        [{"sha256": "a" * 64, "size": 1, "mime": "application/pdf", "created_at": WHEN}],
    )
    docs = {
        1: ("organization", date(2026, 12, 1), None),
        2: ("private", date(2026, 12, 1), None),
        3: ("public", date(2026, 11, 2), WHEN),
        4: ("public", date(2026, 11, 2), WHEN),
        5: ("organization", None, None),  # no embargo: untouched
    }
    conn.execute(
        T["document"].insert(),
        [
            {
                "id": i,
                "org_id": 1,
                "request_id": 4,
                "sha256": "a" * 64,
                "name": f"d{i}.pdf",
                "mime": "application/pdf",
                "size": 1,
                "source": "upload",
                "exemptions": "[]",
                "redaction_notes": "",
                "description": "",
                "visibility": vis,
                "embargo_until": until,
                "published_at": published,
                "text_status": "done",
                "text_progress": 100,
                "text_error": "",
                "text": "",
                "created_by": 1,
                "created_at": WHEN,
            }
            for i, (vis, until, published) in docs.items()
        ],
    )
    # Events confirmed from a private email (doc 2) and from a shared one (doc 5).
    conn.execute(
        T["event"].insert(),
        [
            {
                "id": i,
                "org_id": 1,
                "request_id": 4,
                "kind": "denial",
                "on": date(2026, 11, 3),
                "note": f"Denial {i} (email from FOIA <f@x.gov>)",
                "data": "{}",
                "created_at": WHEN,
            }
            for i in (1, 2)
        ],
    )
    # The table as it was at revision 0004 (later revisions add columns the models know).
    old_proposedevent = sa.table(
        "proposedevent",
        *(
            sa.column(name)
            for name in (
                "org_id", "request_id", "document_id", "kind", "on", "sender", "subject",
                "body", "state", "event_id", "created_by", "created_at",
            )
        ),
    )  # fmt: skip
    conn.execute(
        old_proposedevent.insert(),
        [
            {
                "org_id": 1,
                "request_id": 4,
                "document_id": doc,
                "kind": "denial",
                "on": date(2026, 11, 3),
                "sender": "FOIA <f@x.gov>",
                "subject": f"Denial {i}",
                "body": "",
                "state": "confirmed",
                "event_id": i,
                "created_by": 1,
                "created_at": WHEN,
            }
            for i, doc in ((1, 2), (2, 5))
        ],
    )
    # What the audit trail recorded of each member's choice (the old job's bulk update was not).
    trail = [
        ("document", 3, "private"),
        ("document", 4, "organization"),
        ("recordrequest", 3, "private"),
        ("recordrequest", 4, "organization"),
    ]
    conn.execute(
        T["auditlog"].insert(),
        [
            {
                "org_id": 1,
                "actor_id": 1,
                "ip": "",
                "at": WHEN,
                "action": "insert",
                "object_type": kind,
                "object_id": str(i),
                "before": None,
                "after": {"visibility": vis, "name": "x"},
            }
            for kind, i, vis in trail
        ],
    )


def test_0005_keeps_promised_publications_and_makes_widened_items_private_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url, "0004")
    engine = make_engine(url)
    with engine.begin() as conn:
        _old_world(conn)
    upgrade(url)
    with engine.begin() as conn:
        docs = dict(conn.execute(select(T["document"].c.id, T["document"].c.visibility)).all())
        reqs = dict(
            conn.execute(select(T["recordrequest"].c.id, T["recordrequest"].c.visibility)).all()
        )
        notes = dict(conn.execute(select(T["event"].c.id, T["event"].c.note)).all())
        trail = conn.execute(
            select(T["auditlog"].c.object_type, T["auditlog"].c.object_id, T["auditlog"].c.after)
            .where(T["auditlog"].c.ip == "migration 0005")
            .order_by(T["auditlog"].c.id)
        ).all()
    engine.dispose()
    assert docs == {1: "public", 2: "private", 3: "private", 4: "public", 5: "organization"}
    assert reqs == {1: "public", 2: "private", 3: "private", 4: "public"}
    assert notes == {
        1: "Read from an email filed as private; its details stay with that document.",
        2: "Denial 2 (email from FOIA <f@x.gov>)",
    }
    assert sorted((t, i, a.get("visibility", a.get("note"))) for t, i, a in trail) == [
        ("document", "1", "public"),
        ("document", "3", "private"),
        ("event", "1", notes[1]),
        ("recordrequest", "1", "public"),
        ("recordrequest", "3", "private"),
    ]
