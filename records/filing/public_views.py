"""The public archive: requests organizations chose to publish. Anonymous access.

Every query here asks ``records.access.visibility`` as the anonymous public (``PUBLIC``), so private,
organization-only and embargoed items never show, whoever is logged in.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlalchemy import bindparam, exists
from sqlalchemy import select as sa_select
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
from records.web.forms_util import id_url, page_param
from records.web.panels import PUBLIC_REQUEST_PANELS, collect

PUBLIC = visibility.Viewer.public()

bp = Blueprint("public", __name__, url_prefix="/public")
PER_PAGE = 25


_R = RecordRequest.__table__.c  # type: ignore[attr-defined]
_A = Agency.__table__.c  # type: ignore[attr-defined]
_O = Organization.__table__.c  # type: ignore[attr-defined]


@cache
def _listing(jurisdiction: bool, subject: bool, agency: bool) -> Any:
    """The archive's page of published requests for one combination of filters, built once with
    bind parameters, as plain rows of what the page shows (newest first)."""
    stmt = (
        sa_select(_R.id, _R.title, _R.subject, _A.name, _A.jurisdiction, _O.name.label("org"))
        .select_from(RecordRequest.__table__)  # type: ignore[attr-defined]
        .join(Agency.__table__, _A.id == _R.agency_id)  # type: ignore[attr-defined]
        .join(Organization.__table__, _O.id == _R.org_id)  # type: ignore[attr-defined]
        .where(visibility.where(RecordRequest, PUBLIC))
    )
    if jurisdiction:
        stmt = stmt.where(_A.jurisdiction == bindparam("jurisdiction"))
    if subject:
        stmt = stmt.where(_R.subject == bindparam("subject"))
    if agency:
        stmt = stmt.where(_A.name == bindparam("agency"))
    return stmt.order_by(_R.id.desc()).limit(bindparam("limit")).offset(bindparam("offset"))


# The agency filter lists up to this many agencies; an archive with more (a shared directory
# holds thousands) lists those of the chosen jurisdiction, and without one takes a typed name.
AGENCY_CHOICES = 300


@cache
def _published_agencies(jurisdiction: bool) -> Any:
    """The filter's agencies, in name order, at most one more than ``AGENCY_CHOICES``: agencies
    are walked in name order (``ix_agency_name``, or ``ix_agency_juris_name`` within a
    jurisdiction) and each is probed for one public request, so the cost follows the agencies
    listed, not the directory or every public request."""
    stmt = sa_select(_A.name, _A.jurisdiction).where(
        exists().where(
            col(RecordRequest.agency_id) == _A.id,
            visibility.where(RecordRequest, PUBLIC),
        )
    )
    if jurisdiction:
        stmt = stmt.where(_A.jurisdiction == bindparam("jurisdiction"))
    # No DISTINCT: it would make PostgreSQL gather every agency with a public request before
    # the limit; two entries of one name and jurisdiction (a duplicate not yet merged) are
    # listed once by the view.
    return stmt.order_by(_A.name).limit(bindparam("choices"))


SUBJECTS = frozenset(s.value for s in Subject)
JURISDICTION_CHOICES = sorted(JURISDICTIONS)


@bp.route("/")
def index() -> Any:
    db = get_session()
    page = page_param(request.args)
    juris = request.args.get("jurisdiction", "").upper()
    subject = request.args.get("subject", "")
    agency = request.args.get("agency", "")[:300]
    known = juris in JURISDICTIONS
    stmt = _listing(known, subject in SUBJECTS, bool(agency))
    rows = db.exec(
        stmt,
        params={
            "jurisdiction": juris,
            "subject": subject,
            "agency": agency,
            "limit": PER_PAGE + 1,
            "offset": (page - 1) * PER_PAGE,
        },
    ).all()
    found = db.exec(
        _published_agencies(known), params={"jurisdiction": juris, "choices": AGENCY_CHOICES + 1}
    ).all()
    agencies = list(dict.fromkeys((name, j) for name, j in found))
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "public/index.html",
        rows=rows[:PER_PAGE],
        page=page,
        more=len(rows) > PER_PAGE,
        # None: too many to list, the name is typed.
        agencies=agencies if len(found) <= AGENCY_CHOICES else None,
        jurisdictions=JURISDICTION_CHOICES,
        args=args,
        request_url=id_url("public.show", "request_id"),
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
