"""The register over JSON: entries with their cited facts, by stable id, and the ledger."""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from sqlmodel import col, select

from records.access import visibility
from records.access.visibility import current_viewer
from records.api import api_bp
from records.api.errors import ApiError
from records.api.openapi import ERRORS, PATHS
from records.core import validation as v
from records.core.db import get_session
from records.core.models import Agency
from records.register import extract, service
from records.register.models import Agreement, SharingRequest


def _url(entry: Agreement) -> str:
    return url_for("register.show", agreement_id=entry.id, _external=True)


@api_bp.get("/register/agreements")
def list_agreements() -> Any:
    db, viewer = get_session(), current_viewer()
    rows = service.entries(db, viewer)
    facts = service.facts_by_entry(db, viewer, [a.id for a, _ in rows if a.id is not None])
    return {
        "agreements": [
            service.entry_json(a, ag, facts.get(a.id or 0, []), _url(a)) for a, ag in rows
        ]
    }


@api_bp.get("/register/agreements/<uid>")
def get_agreement(uid: str) -> Any:
    db, viewer = get_session(), current_viewer()
    entry = db.exec(select(Agreement).where(Agreement.uid == uid[:20])).first()
    if not visibility.can_see(db, viewer, entry):
        raise ApiError(404, "not_found", f"agreement {uid[:20]} not found")
    assert entry is not None
    agency = db.get(Agency, entry.agency_id)
    return service.entry_json(entry, agency, service.facts_of(db, viewer, entry), _url(entry))  # type: ignore[arg-type]


@api_bp.get("/register/ledger")
def get_ledger() -> Any:
    db, viewer = get_session(), current_viewer()
    return {
        "years": [
            {
                "agency_id": y.agency_id,
                "fiscal_year": y.fiscal_year,
                "figures": [
                    {
                        "fund": f.fund,
                        "line": f.line,
                        "amount_cents": f.amount_cents,
                        "source": {"document_id": f.document_id, "page": f.page, "quote": f.quote}
                        if f.document_id is not None
                        else None,
                    }
                    for f in y.figures.values()
                ],
            }
            for y in service.ledger(db, viewer)
        ],
        "sums": {
            k: {str(i): s for i, s in d.items()} for k, d in service.ledger_sums(db, viewer).items()
        },
    }


def sharing_json(r: SharingRequest) -> dict[str, Any]:
    """One DAG-71 or TD F 92-22.46 as JSON (amounts in cents; dates ISO 8601)."""
    return {
        "id": r.id,
        "agency_id": r.agency_id,
        "form": r.form,
        "fund": extract.SHARING_FUND[r.form],
        "seizing_agency": r.seizing_agency,
        "case_number": r.case_number,
        "asset_id": r.asset_id,
        "asset": r.asset,
        **{
            name: day.isoformat() if day else None
            for name, day in (
                ("seized_on", r.seized_on),
                ("forfeited_on", r.forfeited_on),
                ("filed_on", r.filed_on),
                ("paid_on", r.paid_on),
            )
        },
        "share_percent": r.share_percent,
        "amount_requested_cents": r.amount_requested_cents,
        "decision": r.decision,
        "amount_received_cents": r.amount_received_cents,
        "source": {
            "document_id": r.document_id,
            "page": r.page,
            "quote": r.quote,
            "quote_state": r.quote_state,
        }
        if r.document_id is not None
        else None,
    }


@api_bp.get("/register/sharing-requests")
def list_sharing_requests() -> Any:
    db, viewer = get_session(), current_viewer()
    agency_id = v.integer(request.args.get("agency_id"), "agency_id")  # refused: a 400
    rows = service.sharing_requests(db, viewer, agency_id)
    ids = {r.agency_id for r in rows}
    states: dict[int, str] = {
        ident: state
        for ident, state in db.exec(
            select(Agency.id, Agency.jurisdiction).where(col(Agency.id).in_(ids))
        ).all()
        if ident is not None
    }
    sums = service.sharing_sums(rows, states)
    return {
        "sharing_requests": [sharing_json(r) for r in rows],
        "sums": [
            {"agency_id": agency, "form": form, **totals}
            for (agency, form), totals in sums["agency"].items()
        ],
        "sums_by_state": [
            {"state": state, "form": form, **totals}
            for (state, form), totals in sums["state"].items()
        ],
    }


_LIST = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
PATHS["/register/agreements"] = {
    "get": {
        "summary": "Register entries the caller may see, each with its cited facts",
        "responses": {"200": _LIST, **ERRORS},
    }
}
PATHS["/register/agreements/{uid}"] = {
    "parameters": [
        {
            "name": "uid",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "maxLength": 20},
        }
    ],
    "get": {
        "summary": "One register entry by its stable id (agr-…)",
        "responses": {"200": _LIST, **ERRORS},
    },
}
PATHS["/register/sharing-requests"] = {
    "get": {
        "summary": "DAG-71 and TD F 92-22.46 requests with their cases and amounts, and sums "
        "per agency and form",
        "parameters": [
            {"name": "agency_id", "in": "query", "required": False, "schema": {"type": "integer"}}
        ],
        "responses": {"200": _LIST, **ERRORS},
    }
}
PATHS["/register/ledger"] = {
    "get": {
        "summary": "The forfeiture ledger: ESAC figures by agency, fiscal year and fund, with sums",
        "responses": {"200": _LIST, **ERRORS},
    }
}
