"""Embargoes only ever narrow who can see an item: carry the stored data over to that rule.

Before this revision an upload or request marked Public with an embargo was stored as
Organization, and the embargo job made every embargoed item public on its date, private ones
included. From this revision the visibility is stored as chosen and the job only lifts the
embargo. So:

- an item still waiting on its embargo with ``organization`` visibility was going to be
  published on its date (the form said "Publish on"): it becomes ``public``, still held back by
  its embargo until then, so what happens to it does not change;
- a ``private`` item still waiting stays private: it will no longer be published;
- an item the old job published although its member had chosen ``private`` (the last
  visibility the audit trail recorded for it) is made private again.

And a timeline event confirmed from a private email no longer carries that email's subject and
sender in its note (the timeline is read by everyone who sees the request).

Each change is written to the audit trail (address "migration 0005"), so owners can see it.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from records.core.clock import utc_now

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CHUNK = 500
document = sa.table(
    "document",
    sa.column("id", sa.Integer),
    sa.column("org_id", sa.Integer),
    sa.column("visibility", sa.String),
    sa.column("embargo_until", sa.Date),
    sa.column("published_at", sa.DateTime(timezone=True)),
)
request = sa.table(
    "recordrequest",
    sa.column("id", sa.Integer),
    sa.column("org_id", sa.Integer),
    sa.column("visibility", sa.String),
)
embargo = sa.table(
    "requestembargo",
    sa.column("request_id", sa.Integer),
    sa.column("published_at", sa.DateTime(timezone=True)),
)
audit = sa.table(
    "auditlog",
    sa.column("id", sa.Integer),
    sa.column("org_id", sa.Integer),
    sa.column("actor_id", sa.Integer),
    sa.column("ip", sa.String),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.String),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
)


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _last_recorded(bind: Any, table: str, ids: list[int]) -> dict[int, str]:
    """The last visibility the audit trail recorded for each row (what its member chose: the
    old job changed visibility with a bulk update, which the trail does not see)."""
    last: dict[int, str] = {}
    for chunk in _chunks(ids):
        rows = bind.execute(
            sa.select(audit.c.object_id, audit.c.after)
            .where(
                audit.c.object_type == table,
                audit.c.object_id.in_([str(i) for i in chunk]),
                audit.c.action.in_(("insert", "update")),
            )
            .order_by(audit.c.id)
        )
        for object_id, after in rows:
            if isinstance(after, dict) and "visibility" in after:
                last[int(object_id)] = str(after["visibility"])
    return last


def _set(bind: Any, table: Any, name: str, rows: list[tuple[int, int]], old: str, new: str) -> None:
    """Set ``visibility`` of ``rows`` (id, org id) to ``new``, with one audit row each."""
    now = utc_now()
    for chunk in _chunks([r[0] for r in rows]):
        bind.execute(table.update().where(table.c.id.in_(chunk)).values(visibility=new))
    if rows:
        bind.execute(
            audit.insert(),
            [
                {
                    "org_id": org_id,
                    "actor_id": None,
                    "ip": "migration 0005",
                    "at": now,
                    "action": "update",
                    "object_type": name,
                    "object_id": str(row_id),
                    "before": {"visibility": old},
                    "after": {"visibility": new},
                }
                for row_id, org_id in rows
            ],
        )


proposal = sa.table(
    "proposedevent",
    sa.column("document_id", sa.Integer),
    sa.column("event_id", sa.Integer),
    sa.column("subject", sa.String),
    sa.column("sender", sa.String),
)
event = sa.table(
    "event", sa.column("id", sa.Integer), sa.column("org_id", sa.Integer), sa.column("note", sa.Text)
)
# The note records.filing.service writes for an event confirmed from a private email (frozen here).
PRIVATE_EMAIL_NOTE = "Read from an email filed as private; its details stay with that document."


def _private_email_notes(bind: Any) -> None:
    rows = bind.execute(
        sa.select(event.c.id, event.c.org_id, event.c.note, proposal.c.subject, proposal.c.sender)
        .select_from(
            proposal.join(document, document.c.id == proposal.c.document_id).join(
                event, event.c.id == proposal.c.event_id
            )
        )
        .where(document.c.visibility == "private")
    ).all()
    now = utc_now()
    for event_id, org_id, note, subject, sender in rows:
        if note != f"{subject} (email from {sender})"[:2000]:
            continue  # edited since: a member wrote it for the timeline
        bind.execute(
            event.update().where(event.c.id == event_id).values(note=PRIVATE_EMAIL_NOTE)
        )
        bind.execute(
            audit.insert(),
            [
                {
                    "org_id": org_id,
                    "actor_id": None,
                    "ip": "migration 0005",
                    "at": now,
                    "action": "update",
                    "object_type": "event",
                    "object_id": str(event_id),
                    "before": None,
                    "after": {"note": PRIVATE_EMAIL_NOTE},
                }
            ],
        )


def upgrade() -> None:
    bind = op.get_bind()
    _private_email_notes(bind)
    waiting_docs = bind.execute(
        sa.select(document.c.id, document.c.org_id).where(
            document.c.embargo_until.is_not(None),
            document.c.published_at.is_(None),
            document.c.visibility == "organization",
        )
    ).all()
    _set(bind, document, "document", [tuple(r) for r in waiting_docs], "organization", "public")
    waiting_reqs = bind.execute(
        sa.select(request.c.id, request.c.org_id).where(
            request.c.id.in_(
                sa.select(embargo.c.request_id).where(embargo.c.published_at.is_(None))
            ),
            request.c.visibility == "organization",
        )
    ).all()
    _set(bind, request, "recordrequest", [tuple(r) for r in waiting_reqs], "organization", "public")

    published_docs = bind.execute(
        sa.select(document.c.id, document.c.org_id).where(
            document.c.published_at.is_not(None), document.c.visibility == "public"
        )
    ).all()
    chosen = _last_recorded(bind, "document", [r[0] for r in published_docs])
    widened = [tuple(r) for r in published_docs if chosen.get(r[0]) == "private"]
    _set(bind, document, "document", widened, "public", "private")
    published_reqs = bind.execute(
        sa.select(request.c.id, request.c.org_id).where(
            request.c.id.in_(
                sa.select(embargo.c.request_id).where(embargo.c.published_at.is_not(None))
            ),
            request.c.visibility == "public",
        )
    ).all()
    chosen = _last_recorded(bind, "recordrequest", [r[0] for r in published_reqs])
    widened = [tuple(r) for r in published_reqs if chosen.get(r[0]) == "private"]
    _set(bind, request, "recordrequest", widened, "public", "private")


def downgrade() -> None:
    # The data keeps the narrower rule: nothing is widened again.
    pass
