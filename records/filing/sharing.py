"""Sharing settings: visibility and embargoes, and the job that lifts embargoes when due.

Visibility is ``private`` (a request's creator and assignee; a document's uploader),
``organization`` (members) or ``public`` (everyone, in the archive at /public); who may see what
is decided in ``records.access.visibility`` alone. An embargo only ever narrows who can see an item:
until its date the item is kept out of public view, whatever its visibility says; when it lifts,
the item has exactly the visibility its user chose (a private item stays private, an
organization item stays in the organization, a public one appears in the archive).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import bindparam, select, update
from sqlmodel import Session, col

from records.access import visibility
from records.access.visibility import Viewer
from records.core import validation as v
from records.core.models import RecordRequest, Visibility
from records.filing.models import Document, RequestEmbargo, SharingNote

log = logging.getLogger(__name__)


def clean_sharing(
    visibility: object, embargo_until: object, today: date
) -> tuple[str, date | None]:
    """Validate a visibility and an embargo date; the visibility is kept as chosen (the embargo
    keeps a public item out of public view until the date, and never widens anything)."""
    vis = v.choice(visibility, "visibility", Visibility, default=Visibility.ORGANIZATION)
    until = v.iso_date(embargo_until, "embargo_until")
    if until is not None and until <= today:
        raise v.ValidationError("embargo_until", "an embargo date must be in the future")
    return vis, until


def set_request_embargo(db: Session, req: RecordRequest, until: date | None) -> None:
    """Set or clear the day until which a request is kept out of public view (its visibility
    is not touched: a public request appears on that day, any other stays as it is)."""
    row = db.get(RequestEmbargo, req.id)
    if until is None:
        if row is not None:
            db.delete(row)
        return
    if row is None:
        row = RequestEmbargo(request_id=cast(int, req.id), org_id=req.org_id, embargo_until=until)
    row.embargo_until, row.published_at = until, None
    db.add(row)


def _lifted_note(what: str, chosen: str) -> str:
    if chosen == Visibility.PUBLIC:
        return f"{what} was published: its embargo ended."
    # Lifting an embargo never widens who can see an item.
    return f"The embargo on {what[0].lower()}{what[1:]} ended; it stays {chosen}."


def publish_due_embargoes(db: Session, now: datetime) -> int:
    """Lift every embargo whose date has come (public items appear in the archive, others keep
    their visibility); note it in the timeline. Returns how many embargoes were lifted."""
    today = now.date()
    done = 0
    due_docs = db.exec(  # type: ignore[call-overload]  # sqlmodel's exec() runs any statement
        select(
            col(Document.id), col(Document.request_id), col(Document.org_id), col(Document.name)
        ).where(col(Document.embargo_until) <= today, col(Document.published_at).is_(None))
    ).all()
    for doc_id, request_id, org_id, name in due_docs:
        claimed = db.exec(
            update(Document)
            .where(col(Document.id) == doc_id, col(Document.published_at).is_(None))
            .values(published_at=now)
        )
        if claimed.rowcount == 1:
            vis = db.exec(  # type: ignore[call-overload]  # sqlmodel's exec() runs any statement
                select(col(Document.visibility)).where(col(Document.id) == doc_id)
            ).scalar_one()
            db.add(
                SharingNote(
                    org_id=org_id,
                    request_id=request_id,
                    document_id=doc_id,
                    on=today,
                    note=_lifted_note(f"Document “{name}”", vis)[:500],
                )
            )
            done += 1
            log.info("embargo on document %s lifted by the job (stays %s)", doc_id, vis)
    due_reqs = db.exec(  # type: ignore[call-overload]  # sqlmodel's exec() runs any statement
        select(col(RequestEmbargo.request_id), col(RequestEmbargo.org_id)).where(
            col(RequestEmbargo.embargo_until) <= today, col(RequestEmbargo.published_at).is_(None)
        )
    ).all()
    for request_id, org_id in due_reqs:
        claimed = db.exec(
            update(RequestEmbargo)
            .where(
                col(RequestEmbargo.request_id) == request_id,
                col(RequestEmbargo.published_at).is_(None),
            )
            .values(published_at=now)
        )
        if claimed.rowcount == 1:
            vis = db.exec(  # type: ignore[call-overload]  # sqlmodel's exec() runs any statement
                select(col(RecordRequest.visibility)).where(col(RecordRequest.id) == request_id)
            ).scalar_one()
            db.add(
                SharingNote(
                    org_id=org_id,
                    request_id=request_id,
                    on=today,
                    note=_lifted_note("This request", vis),
                )
            )
            done += 1
            log.info("embargo on request %s lifted by the job (stays %s)", request_id, vis)
    db.commit()
    return done


def notes_for(db: Session, request_id: int, viewer: Viewer) -> list[SharingNote]:
    """The request's sharing notes ``viewer`` may see (a note about a document goes with it)."""
    stmt, params = _notes_stmt(viewer)
    return list(db.exec(stmt, params=params | {"request_id": request_id}).scalars().all())


@visibility.prepared
def _notes_stmt(viewer: Viewer) -> Any:
    return (
        select(SharingNote)
        .where(
            col(SharingNote.request_id) == bindparam("request_id"),
            visibility.where(SharingNote, viewer),
        )
        .order_by(col(SharingNote.on), col(SharingNote.id))
    )
