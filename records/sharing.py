"""Who may see a request or a document, embargoes, and the job that publishes them when due.

Visibility is ``private`` (its creator and the request's assignee), ``organization`` (members) or
``public`` (everyone, in the archive at /public). An embargo date means "make this public on that
day": until the job publishes it, the item is never public, whatever its visibility says.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from records import validation as v
from records.jobs import job
from records.models import RecordRequest, Visibility
from records.models_filing import Document, RequestEmbargo, SharingNote
from records.record_requests import can_see, visible_clause

log = logging.getLogger(__name__)


def member_request_clause(org_id: int | None, user_id: int | None) -> ColumnElement[bool]:
    """Requests a member may see (same rule as the request list)."""
    return visible_clause(org_id or 0, user_id or 0)


def member_document_clause(user_id: int | None) -> ColumnElement[bool]:
    """Documents a member may see, once the request is visible: all but others' private files."""
    return or_(Document.visibility != Visibility.PRIVATE, Document.created_by == (user_id or 0))


def _request_embargoed() -> ColumnElement[bool]:
    return exists().where(
        RequestEmbargo.request_id == RecordRequest.id, RequestEmbargo.published_at.is_(None)
    )


def public_request_clause() -> ColumnElement[bool]:
    """Requests anyone may see: public and not waiting on an embargo."""
    return and_(RecordRequest.visibility == Visibility.PUBLIC, ~_request_embargoed())


def public_document_clause() -> ColumnElement[bool]:
    """Documents anyone may see (their request must pass ``public_request_clause`` too)."""
    return and_(
        Document.visibility == Visibility.PUBLIC,
        or_(Document.embargo_until.is_(None), Document.published_at.is_not(None)),
    )


def is_public_request(db: Session, req: RecordRequest) -> bool:
    """True when the anonymous public may see ``req``."""
    if req.visibility != Visibility.PUBLIC:
        return False
    emb = db.get(RequestEmbargo, req.id)
    return emb is None or emb.published_at is not None


def is_public_document(db: Session, doc: Document, req: RecordRequest) -> bool:
    """True when the anonymous public may see ``doc`` (and its request)."""
    if doc.request_id != req.id or not is_public_request(db, req):
        return False
    if doc.visibility != Visibility.PUBLIC:
        return False
    return doc.embargo_until is None or doc.published_at is not None


def can_see_document(doc: Document, req: RecordRequest, org_id: int, user_id: int) -> bool:
    """True when a member of ``org_id`` may see ``doc``."""
    if doc.request_id != req.id or doc.org_id != org_id or not can_see(req, org_id, user_id):
        return False
    return doc.visibility != Visibility.PRIVATE or doc.created_by == user_id


def clean_sharing(
    visibility: object, embargo_until: object, today: date
) -> tuple[str, date | None]:
    """Validate a visibility and an embargo date; a future embargo holds the item back until then."""
    vis = v.choice(visibility, "visibility", Visibility, default=Visibility.ORGANIZATION)
    until = v.iso_date(embargo_until, "embargo_until")
    if until is not None and until <= today:
        raise v.ValidationError("embargo_until", "an embargo date must be in the future")
    if until is not None and vis == Visibility.PUBLIC:
        # Public is what the embargo will do; until then the organization sees it.
        vis = Visibility.ORGANIZATION
    return vis, until


def set_request_embargo(db: Session, req: RecordRequest, until: date | None) -> None:
    """Set or clear the day a request becomes public."""
    row = db.get(RequestEmbargo, req.id)
    if until is None:
        if row is not None:
            db.delete(row)
        return
    if row is None:
        row = RequestEmbargo(request_id=req.id, org_id=req.org_id, embargo_until=until)
    row.embargo_until, row.published_at = until, None
    if req.visibility == Visibility.PUBLIC:
        req.visibility = Visibility.ORGANIZATION
        db.add(req)
    db.add(row)


@job("publish_embargoes")
def publish_due_embargoes(db: Session, now: datetime) -> int:
    """Publish every request and document whose embargo date has come; note it in the timeline."""
    today = now.date()
    done = 0
    due_docs = db.exec(
        select(Document.id, Document.request_id, Document.org_id, Document.name).where(
            Document.embargo_until <= today, Document.published_at.is_(None)
        )
    ).all()
    for doc_id, request_id, org_id, name in due_docs:
        claimed = db.exec(
            update(Document)
            .where(Document.id == doc_id, Document.published_at.is_(None))
            .values(visibility=Visibility.PUBLIC, published_at=now)
        )
        if claimed.rowcount == 1:
            db.add(
                SharingNote(
                    org_id=org_id,
                    request_id=request_id,
                    document_id=doc_id,
                    on=today,
                    note=f"Document “{name}” was published: its embargo ended.",
                )
            )
            done += 1
            log.info("document %s published by embargo job", doc_id)
    due_reqs = db.exec(
        select(RequestEmbargo.request_id, RequestEmbargo.org_id).where(
            RequestEmbargo.embargo_until <= today, RequestEmbargo.published_at.is_(None)
        )
    ).all()
    for request_id, org_id in due_reqs:
        claimed = db.exec(
            update(RequestEmbargo)
            .where(RequestEmbargo.request_id == request_id, RequestEmbargo.published_at.is_(None))
            .values(published_at=now)
        )
        if claimed.rowcount == 1:
            db.exec(
                update(RecordRequest)
                .where(RecordRequest.id == request_id)
                .values(visibility=Visibility.PUBLIC)
            )
            db.add(
                SharingNote(
                    org_id=org_id,
                    request_id=request_id,
                    on=today,
                    note="This request was published: its embargo ended.",
                )
            )
            done += 1
            log.info("request %s published by embargo job", request_id)
    db.commit()
    return done


def notes_for(db: Session, request_id: int, *, public_only: bool = False) -> list[SharingNote]:
    """Timeline notes for a request (for the public page, only notes about public items)."""
    stmt = select(SharingNote).where(SharingNote.request_id == request_id)
    if public_only:
        stmt = stmt.outerjoin(Document, Document.id == SharingNote.document_id).where(
            or_(SharingNote.document_id.is_(None), public_document_clause())
        )
    return list(db.exec(stmt.order_by(SharingNote.on, SharingNote.id)).scalars().all())
