"""The one path into the search index: a session listener that (re)writes ``SearchEntry`` rows.

Every flush that inserts, changes or deletes a request, letter, event, document or agency
rewrites that item's entry in the same transaction (and a request's entries when its agency is
renamed), so nothing else in the product calls the index. Who may see an entry is not stored:
search joins each entry's request, document and letter and applies ``records.access.visibility`` as it
is at query time, so a change of visibility takes effect at once.

SQLite mirrors ``searchentry`` into FTS5 by triggers; PostgreSQL keeps a stored, generated
``tsv`` column with a GIN index (migration 0008), so ranking never recomputes ``to_tsvector``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import delete, event, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import col

from records.core.models import Agency, RecordRequest
from records.filing.models import Document, SearchEntry
from records.letters.models import StoredLetter
from records.lifecycle.models import Event

# Well-known abbreviations in this field, with the names they stand for. Any indexed text that
# names the office in full is also found by its abbreviation (and the reverse is found by word).
ALIASES: dict[str, str] = {
    "ICE": "Immigration and Customs Enforcement",
    "HSI": "Homeland Security Investigations",
    "ERO": "Enforcement and Removal Operations",
    "CBP": "Customs and Border Protection",
    "DHS": "Department of Homeland Security",
    "MLARS": "Money Laundering and Asset Recovery Section",
    "OPLA": "Office of the Principal Legal Advisor",
}
_MINOR = {"of", "and", "the", "for", "on", "in", "to", "a", "an", "u", "s", "us"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_BODY = 1_000_000  # characters of an item indexed (the full text stays on the item)
INDEXED = (RecordRequest, Document, StoredLetter, Event, Agency)
KIND: dict[type, str] = {
    RecordRequest: "request",
    Document: "document",
    StoredLetter: "letter",
    Event: "event",
    Agency: "agency",
}


def clean_text(value: str) -> str:
    """Text as indexed: without the control characters search uses as snippet markers."""
    return _CONTROL.sub(" ", value or "")


def abbreviations(name: str) -> list[str]:
    """Abbreviations a name is known by: listed aliases it spells out, and its initials."""
    lowered = name.lower()
    found = [abbr for abbr, full in ALIASES.items() if full.lower() in lowered]
    # Initials of the name's main part ("Federal Bureau of Investigation, Records…" -> FBI).
    head = re.split(r"[,(]", name, maxsplit=1)[0]
    words = [w for w in re.findall(r"[A-Za-z]+", head) if w.lower() not in _MINOR]
    if len(words) >= 2:
        found.append("".join(w[0] for w in words).upper())
    # Not those the name already spells (a second copy would outrank the plain name).
    present = {w.upper() for w in re.findall(r"[A-Za-z]+", name)}
    return [a for a in dict.fromkeys(found) if a not in present]


def _aliases_in(text: str) -> str:
    lowered = text.lower()
    return " ".join(abbr for abbr, full in ALIASES.items() if full.lower() in lowered)


def _day(value: Any) -> date | None:
    if value is None:
        return None
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def _entry(conn: Connection, obj: Any) -> dict[str, Any] | None:
    """The entry for one item, or None when it is not searchable (a voided event)."""
    if isinstance(obj, Agency):
        # The abbreviations ride in the title (ranked first); hits show the agency's name. The
        # directory is shared, so the entry belongs to no organization (and holds no one's
        # notes: those are each organization's own).
        title = " ".join([obj.name, *abbreviations(obj.name)])
        body = "\n".join([obj.component, obj.jurisdiction])
        return _row("agency", obj.id, None, None, obj.id, title, body, _day(obj.created_at))
    if isinstance(obj, RecordRequest):
        agency = conn.execute(
            select(col(Agency.name)).where(col(Agency.id) == obj.agency_id)
        ).scalar()
        name = agency or ""
        body = "\n".join(
            [
                obj.description or "",
                obj.tracking_number or "",
                name,
                " ".join(abbreviations(name)) if name else "",
            ]
        )
        return _row(
            "request",
            obj.id,
            obj.org_id,
            obj.id,
            obj.agency_id,
            obj.title,
            body,
            _day(obj.created_at),
        )
    agency_id = conn.execute(
        select(col(RecordRequest.agency_id)).where(col(RecordRequest.id) == obj.request_id)
    ).scalar()
    if isinstance(obj, Document):
        body = "\n".join([obj.description or "", obj.redaction_notes or "", obj.text or ""])
        on = obj.date_received or _day(obj.created_at)
        return _row("document", obj.id, obj.org_id, obj.request_id, agency_id, obj.name, body, on)
    if isinstance(obj, StoredLetter):
        title = obj.subject_line or f"{obj.kind.replace('_', ' ').capitalize()} letter"
        on = obj.sent_on or _day(obj.created_at)
        return _row("letter", obj.id, obj.org_id, obj.request_id, agency_id, title, obj.text, on)
    if isinstance(obj, Event):
        if obj.voided_at is not None:
            return None
        title = obj.kind.replace("_", " ").capitalize()
        return _row("event", obj.id, obj.org_id, obj.request_id, agency_id, title, obj.note, obj.on)
    return None


def _row(
    kind: str,
    item_id: int | None,
    org_id: int | None,
    request_id: int | None,
    agency_id: int | None,
    title: str,
    body: str,
    on: date | None,
) -> dict[str, Any]:
    title, body = clean_text(title), clean_text(body)[:MAX_BODY]
    aliases = _aliases_in(title + "\n" + body)
    if aliases:
        body = f"{body}\n{aliases}"
    return {
        "kind": kind,
        "item_id": item_id,
        "org_id": org_id,
        "request_id": request_id,
        "agency_id": agency_id,
        "title": title,
        "body": body,
        "on": on,
    }


def write(conn: Connection, items: Iterable[Any], removed: Iterable[tuple[str, int]] = ()) -> None:
    """Rewrite the entries of ``items`` and drop those of ``removed`` (kind, id) pairs."""
    drop: dict[str, set[int]] = {}
    rows: list[dict[str, Any]] = []
    for kind, ident in removed:
        drop.setdefault(kind, set()).add(ident)
    for obj in items:
        row = _entry(conn, obj)
        drop.setdefault(KIND[type(obj)], set()).add(obj.id)
        if row is not None:
            rows.append(row)
    table = SearchEntry.__table__  # type: ignore[attr-defined]
    for kind, ids in drop.items():
        conn.execute(delete(table).where(table.c.kind == kind, table.c.item_id.in_(sorted(ids))))
    if rows:
        conn.execute(insert(table), rows)


def _changed(session: OrmSession, obj: Any) -> bool:
    return session.is_modified(obj, include_collections=False)


def _after_flush(session: OrmSession, _ctx: Any) -> None:
    items: dict[tuple[type, Any], Any] = {}
    removed: list[tuple[str, int]] = []
    renamed: list[int] = []
    for obj in session.new:
        if isinstance(obj, INDEXED) and obj.id is not None:
            items[(type(obj), obj.id)] = obj
    for obj in session.dirty:
        if isinstance(obj, INDEXED) and obj.id is not None and _changed(session, obj):
            items[(type(obj), obj.id)] = obj
            if isinstance(obj, Agency):
                renamed.append(obj.id)
    for obj in session.deleted:
        if isinstance(obj, INDEXED) and obj.id is not None:
            items.pop((type(obj), obj.id), None)
            removed.append((KIND[type(obj)], obj.id))
    if not items and not removed:
        return
    conn = session.connection()
    if renamed:  # a request's entry carries its agency's name
        for req in session.execute(
            select(RecordRequest).where(col(RecordRequest.agency_id).in_(renamed))
        ).scalars():
            items.setdefault((RecordRequest, req.id), req)
    write(conn, items.values(), removed)


def install() -> None:
    """Listen on every ORM session (idempotent)."""
    if not event.contains(OrmSession, "after_flush", _after_flush):
        event.listen(OrmSession, "after_flush", _after_flush)


def reindex(conn: Connection, batch: int = 500) -> int:
    """Rebuild the whole index from the rows (for ``flask search reindex`` and migrations)."""
    from sqlalchemy.orm import Session

    table = SearchEntry.__table__  # type: ignore[attr-defined]
    conn.execute(delete(table))
    total = 0
    with Session(bind=conn) as session:
        for model in INDEXED:
            ident = col(model.id)
            last = 0
            while True:
                chunk = (
                    session.execute(select(model).where(ident > last).order_by(ident).limit(batch))
                    .scalars()
                    .all()
                )
                if not chunk:
                    break
                write(conn, chunk)
                total += len(chunk)
                last = chunk[-1].id  # type: ignore[attr-defined]
                session.expunge_all()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO searchentry_fts(searchentry_fts) VALUES ('rebuild')")
    return total


install()
