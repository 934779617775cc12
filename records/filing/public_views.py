"""The public archive: requests organizations chose to publish. Anonymous access.

Every query here asks ``records.access.visibility`` as the anonymous public (``PUBLIC``), so private,
organization-only and embargoed items never show, whoever is logged in.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlalchemy import exists
from sqlmodel import col, select

from records.access import visibility
from records.core.db import get_session
from records.core.models import Agency, Organization, RecordRequest, Subject
from records.core.validation import JURISDICTIONS, ValidationError
from records.filing import sharing
from records.filing.models import Document
from records.lifecycle.models import Event
from records.search import query as search
from records.search.views import parse_search_args
from records.web.forms_util import page_param
from records.web.panels import PUBLIC_REQUEST_PANELS, collect

PUBLIC = visibility.Viewer.public()

bp = Blueprint("public", __name__, url_prefix="/public")
PER_PAGE = 25


@bp.route("/")
def index() -> Any:
    db = get_session()
    page = page_param(request.args)
    juris = request.args.get("jurisdiction", "").upper()
    subject = request.args.get("subject", "")
    agency = request.args.get("agency", "")[:300]
    stmt = (
        select(RecordRequest, Agency, Organization)
        .join(Agency, col(Agency.id) == col(RecordRequest.agency_id))
        .join(Organization, col(Organization.id) == col(RecordRequest.org_id))
        .where(visibility.where(RecordRequest, PUBLIC))
    )
    if juris in JURISDICTIONS:
        stmt = stmt.where(Agency.jurisdiction == juris)
    if subject in {s.value for s in Subject}:
        stmt = stmt.where(RecordRequest.subject == subject)
    if agency:
        stmt = stmt.where(Agency.name == agency)
    rows = db.exec(
        stmt.order_by(col(RecordRequest.id).desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE + 1)
    ).all()
    # The filter's agencies: each agency is probed for one public request (through the
    # request's agency index), so the cost follows the agencies, not every public request.
    agencies = db.exec(
        select(Agency.name, Agency.jurisdiction)
        .where(
            exists().where(
                col(RecordRequest.agency_id) == col(Agency.id),
                visibility.where(RecordRequest, PUBLIC),
            )
        )
        .distinct()
        .order_by(Agency.name)
    ).all()
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "public/index.html",
        rows=rows[:PER_PAGE],
        page=page,
        more=len(rows) > PER_PAGE,
        agencies=agencies,
        jurisdictions=sorted({j for _n, j in agencies}),
        args=args,
    )


def public_request_or_404(request_id: int) -> RecordRequest:
    """A published request, or 404 (private, organization-only and embargoed alike)."""
    db = get_session()
    req = db.get(RecordRequest, request_id)
    if req is None or not visibility.can_see(db, PUBLIC, req):
        abort(404)
    return req


@bp.route("/requests/<int:request_id>")
def show(request_id: int) -> Any:
    db = get_session()
    req = public_request_or_404(request_id)
    docs = db.exec(
        select(Document)
        .where(Document.request_id == req.id, visibility.where(Document, PUBLIC))
        .order_by(col(Document.date_received), col(Document.id))
    ).all()
    events = db.exec(
        select(Event)
        .where(
            Event.request_id == req.id,
            col(Event.voided_at).is_(None),
            visibility.where(Event, PUBLIC),
        )
        .order_by(col(Event.on), col(Event.id))
    ).all()
    return render_template(
        "public/show.html",
        panels=collect(PUBLIC_REQUEST_PANELS, req),
        req=req,
        agency=db.get(Agency, req.agency_id),
        org=db.get(Organization, req.org_id),
        docs=docs,
        events=events,
        notes=sharing.notes_for(db, request_id, PUBLIC),
    )


@bp.route("/documents/<int:doc_id>/download")
def download(doc_id: int) -> Any:
    db = get_session()
    doc = db.get(Document, doc_id)
    if doc is None or not visibility.can_see(db, PUBLIC, doc):
        abort(404)
    from records.filing.api import send_download

    return send_download(doc)


@bp.route("/search")
def search_page() -> Any:
    error, hits, query, page = None, [], "", 1
    try:
        query, filters, page = parse_search_args(request.args)
        filters.agency_id = None  # agency ids belong to organizations; the archive filters by name
        hits = search.search(
            get_session(),
            query,
            search.Scope.public(),
            filters,
            limit=PER_PAGE + 1,
            offset=(page - 1) * PER_PAGE,
        )
    except ValidationError as exc:
        error = exc.message
    return render_template(
        "search/index.html",
        q=query,
        hits=hits[:PER_PAGE],
        more=len(hits) > PER_PAGE,
        page=page,
        error=error,
        agencies=[],
        args=request.args,
        public=True,
    ), (400 if error else 200)
