"""Report cards and streamed exports over JSON (``/api/v1/reports/...``, ``/api/v1/exports/...``)."""

from __future__ import annotations

from typing import Any

from flask import Response, g, request, stream_with_context

from records.access.visibility import current_viewer
from records.api import api_bp
from records.api.openapi import ERRORS, ID, PAGING, PATHS
from records.core import csvout
from records.core.auth import current_org_id
from records.core.clock import utc_today
from records.core.db import get_session
from records.core.models import Subject
from records.reports import exports, service
from records.reports.views import _ended, stream_session
from records.requests import service as rr
from records.requests.api import _paging, agency_or_404


def _where() -> list[Any]:
    return [service.viewer_clause(current_viewer())]


@api_bp.get("/reports/agencies")
def report_cards() -> Any:
    """Every agency's report card, fastest median answer first, a page at a time."""
    page, per = _paging()
    cards = service.by_median_answer(
        service.build_cards(get_session(), _where(), today=utc_today())
    )
    items = cards[(page - 1) * per : page * per]
    return {
        "items": [{"agency_id": c.agency_id, **service.card_json(c)} for c in items],
        "page": page,
        "per_page": per,
        "total": len(cards),
    }


@api_bp.get("/reports/agencies/<int:agency_id>")
def report_card(agency_id: int) -> Any:
    """One agency's report card."""
    agency = agency_or_404(agency_id)
    card = service.agency_card(get_session(), _where(), agency, today=utc_today())
    return {"agency_id": agency.id, **service.card_json(card)}


@api_bp.get("/exports/requests")
def export_requests() -> Any:
    """The filtered requests with their current clocks: a JSON page, or all of them as CSV."""
    filters = rr.parse_filters(request.args)
    db = get_session()
    where = exports.request_where(current_org_id(), g.api_user.id, filters, utc_today())
    if request.args.get("format") == "csv":
        db = stream_session()
        resp = Response(
            stream_with_context(_ended(db, exports.requests_csv(db, where, filters))),
            mimetype=csvout.MIMETYPE,
        )
        resp.headers["Content-Disposition"] = 'attachment; filename="requests.csv"'
        return resp
    page, per = _paging()
    rows = exports.request_page(db, where, filters, page, per)
    return {
        "items": [exports.request_item(*row) for row in rows],
        "page": page,
        "per_page": per,
        "total": exports.count(db, where),
    }


_CARD = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
_FILTERS = [
    {"name": n, "in": "query", "schema": s}
    for n, s in (
        ("status", {"type": "string", "maxLength": 30}),
        ("agency_id", {"type": "integer", "minimum": 1}),
        ("subject", {"type": "string", "enum": [m.value for m in Subject]}),
        ("assignee_id", {"type": "integer", "minimum": 1}),
        ("q", {"type": "string", "maxLength": 200}),
        ("due", {"type": "string", "enum": ["overdue", "week"]}),
        ("waiting", {"type": "string", "enum": ["us", "agency"]}),
        ("sort", {"type": "string", "enum": list(rr.SORTS)}),
        ("dir", {"type": "string", "enum": ["asc", "desc"]}),
    )
]
PATHS["/reports/agencies"] = {
    "get": {
        "summary": "Every agency's report card, fastest median answer first",
        "parameters": PAGING,
        "responses": {"200": _CARD, **ERRORS},
    }
}
PATHS["/reports/agencies/{agency_id}"] = {
    "parameters": [{"name": "agency_id", **ID}],
    "get": {"summary": "One agency's report card", "responses": {"200": _CARD, **ERRORS}},
}
PATHS["/exports/requests"] = {
    "get": {
        "summary": "The filtered requests with their current clocks (a JSON page, or CSV)",
        "parameters": [
            *PAGING,
            *_FILTERS,
            {
                "name": "format",
                "in": "query",
                "schema": {"type": "string", "enum": ["json", "csv"]},
            },
        ],
        "responses": {
            "200": {
                "description": "OK",
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "text/csv": {"schema": {"type": "string"}},
                },
            },
            **ERRORS,
        },
    }
}
