"""Streamed exports of a filtered request list: requests with their current clocks, and events.

Rows are read with ``yield_per`` (a server-side cursor on PostgreSQL) and written one chunk at a
time, so memory stays flat however many rows the filter matches. The CSV goes through
``records.core.csvout`` (formula cells neutralised, UTF-8 with a header row).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from records.access import visibility
from records.core import csvout
from records.core.models import Agency, RecordRequest
from records.filing.models import Document
from records.lifecycle.clocks import CLOCK_LABELS, current_deadlines_for, deadline_json
from records.lifecycle.models import Event
from records.lifecycle.service import event_data
from records.requests import service as rr

CHUNK = 500
CLOCKS = tuple(CLOCK_LABELS)
REQUEST_HEADER = (
    "id",
    "title",
    "agency",
    "jurisdiction",
    "subject",
    "status",
    "visibility",
    "tracking_number",
    "created_at",
    "updated_at",
    *[f"{c}_{part}" for c in CLOCKS for part in ("due", "state")],
)
EVENT_HEADER = ("id", "request_id", "type", "date", "note", "data", "corrects", "voided")


def _rid(r: RecordRequest) -> int:
    assert r.id is not None
    return r.id


def _order(filters: rr.Filters) -> list[Any]:
    column = rr.SORTS.get(filters.sort, RecordRequest.updated_at)
    if filters.sort in ("due", "assignee"):  # same rows as the list; ordered by last change
        column = RecordRequest.updated_at
    if filters.direction == "asc":
        return [column.asc(), col(RecordRequest.id).asc()]
    return [column.desc(), col(RecordRequest.id).desc()]


def _request_rows(
    db: Session, where: Sequence[ColumnElement[bool]], filters: rr.Filters
) -> Iterator[list[tuple[RecordRequest, str, str, dict[str, Any]]]]:
    """Chunks of (request, agency name, jurisdiction, {clock: deadline}) in the list's order."""
    stmt = (
        select(RecordRequest, Agency.name, Agency.jurisdiction)
        .join(Agency, col(Agency.id) == col(RecordRequest.agency_id))
        .where(*where)
        .order_by(*_order(filters))
        .execution_options(yield_per=CHUNK)
    )
    for part in db.exec(stmt).partitions(CHUNK):
        ids = [_rid(r) for r, _n, _j in part]
        clocks = current_deadlines_for(db, ids)
        yield [(r, n, j, {d.clock: d for d in clocks.get(_rid(r), [])}) for r, n, j in part]


def request_where(org_id: int, user_id: int, filters: rr.Filters, today: date) -> list[Any]:
    return rr.filter_clauses(org_id, user_id, filters, today)


def requests_csv(db: Session, where: Sequence[Any], filters: rr.Filters) -> Iterator[str]:
    """The filtered requests as CSV, one chunk per row after the header."""

    def rows() -> Iterator[list[Any]]:
        for chunk in _request_rows(db, where, filters):
            for r, name, juris, clocks in chunk:
                row: list[Any] = [
                    r.id, r.title, name, juris, r.subject, r.status, r.visibility,
                    r.tracking_number, r.created_at.isoformat(), r.updated_at.isoformat(),
                ]  # fmt: skip
                for c in CLOCKS:
                    d = clocks.get(c)
                    row += [d.due.isoformat() if d and d.due else "", d.state if d else ""]
                yield row

    return csvout.stream(REQUEST_HEADER, rows())


def request_item(r: RecordRequest, name: str, juris: str, clocks: dict[str, Any]) -> dict:
    """One exported request as JSON, with its current clocks."""
    return {
        "id": r.id,
        "title": r.title,
        "agency": name,
        "jurisdiction": juris,
        "subject": r.subject,
        "status": r.status,
        "visibility": r.visibility,
        "tracking_number": r.tracking_number,
        "created_at": r.created_at.isoformat(),
        "updated_at": r.updated_at.isoformat(),
        "deadlines": [deadline_json(d) for d in clocks.values()],
    }


def requests_json(db: Session, where: Sequence[Any], filters: rr.Filters) -> Iterator[str]:
    """The filtered requests as one JSON array, streamed item by item."""
    yield "["
    first = True
    for chunk in _request_rows(db, where, filters):
        for row in chunk:
            yield ("" if first else ",") + json.dumps(request_item(*row), sort_keys=True)
            first = False
    yield "]\n"


def _events(db: Session, where: Sequence[Any]) -> Iterator[Event]:
    ids = (
        select(RecordRequest.id)
        .join(Agency, col(Agency.id) == col(RecordRequest.agency_id))
        .where(*where)
    )
    stmt = (
        select(Event)
        .where(col(Event.request_id).in_(ids))
        .order_by(col(Event.request_id), col(Event.on), col(Event.id))
        .execution_options(yield_per=CHUNK)
    )
    for part in db.exec(stmt).partitions(CHUNK):
        yield from part


def _event_row(e: Event) -> list[Any]:
    return [
        e.id, e.request_id, e.kind, e.on.isoformat(), e.note,
        json.dumps(event_data(e), sort_keys=True), e.corrects_id or "",
        "yes" if e.voided_at else "",
    ]  # fmt: skip


def events_csv(db: Session, where: Sequence[Any]) -> Iterator[str]:
    """Every event of the filtered requests as CSV (corrected ones marked voided)."""
    return csvout.stream(EVENT_HEADER, (_event_row(e) for e in _events(db, where)))


def events_json(db: Session, where: Sequence[Any]) -> Iterator[str]:
    yield "["
    first = True
    for e in _events(db, where):
        item = dict(zip(EVENT_HEADER, _event_row(e), strict=True))
        item["data"] = event_data(e)
        yield ("" if first else ",") + json.dumps(item, sort_keys=True)
        first = False
    yield "]\n"


def request_page(
    db: Session, where: Sequence[Any], filters: rr.Filters, page: int, per_page: int
) -> list[tuple[RecordRequest, str, str, dict[str, Any]]]:
    """One page of the export (the API's paginated form)."""
    stmt = (
        select(RecordRequest, Agency.name, Agency.jurisdiction)
        .join(Agency, col(Agency.id) == col(RecordRequest.agency_id))
        .where(*where)
        .order_by(*_order(filters))
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    rows = db.exec(stmt).all()
    clocks = current_deadlines_for(db, [_rid(r) for r, _n, _j in rows])
    return [(r, n, j, {d.clock: d for d in clocks.get(_rid(r), [])}) for r, n, j in rows]


def count(db: Session, where: Sequence[Any]) -> int:
    stmt = (
        select(func.count())
        .select_from(RecordRequest)
        .join(Agency, col(Agency.id) == col(RecordRequest.agency_id))
        .where(*where)
    )
    return int(db.exec(stmt).one())


DOCUMENT_HEADER = (
    "id",
    "request_id",
    "name",
    "mime",
    "size",
    "pages",
    "sha256",
    "source",
    "date_received",
    "visibility",
    "embargo_until",
    "created_at",
)


def _documents(db: Session, where: Sequence[Any], viewer: visibility.Viewer) -> Iterator[Any]:
    ids = (
        select(RecordRequest.id)
        .join(Agency, col(Agency.id) == col(RecordRequest.agency_id))
        .where(*where)
    )
    stmt = (
        select(Document)
        .where(col(Document.request_id).in_(ids), visibility.where(Document, viewer))
        .order_by(col(Document.request_id), col(Document.id))
        .execution_options(yield_per=CHUNK)
    )
    for part in db.exec(stmt).partitions(CHUNK):
        yield from part


def _document_row(d: Any) -> list[Any]:
    return [
        d.id, d.request_id, d.name, d.mime, d.size, d.pages, d.sha256, d.source,
        d.date_received.isoformat() if d.date_received else "", d.visibility,
        d.embargo_until.isoformat() if d.embargo_until else "", d.created_at.isoformat(),
    ]  # fmt: skip


def documents_csv(db: Session, where: Sequence[Any], viewer: visibility.Viewer) -> Iterator[str]:
    """The metadata of the filtered requests' documents the viewer may see (never their text)."""
    return csvout.stream(DOCUMENT_HEADER, (_document_row(d) for d in _documents(db, where, viewer)))


def documents_json(db: Session, where: Sequence[Any], viewer: visibility.Viewer) -> Iterator[str]:
    yield "["
    first = True
    for d in _documents(db, where, viewer):
        item = dict(zip(DOCUMENT_HEADER, _document_row(d), strict=True))
        yield ("" if first else ",") + json.dumps(item, sort_keys=True)
        first = False
    yield "]\n"
