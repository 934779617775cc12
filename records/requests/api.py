"""Agencies and requests over JSON."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from sqlalchemy import func
from sqlmodel import col, select

from records.api import api_bp, json_body
from records.api.errors import ApiError
from records.api.serialize import agency_json, request_json, requests_json
from records.core import validation as v
from records.core.auth import current_org_id, has_role
from records.core.clock import utc_now
from records.core.db import get_session, valid_id
from records.core.models import Agency, AgencyNote, RecordRequest, Role
from records.core.storage_local import get_storage
from records.core.validation import ValidationError
from records.directory import service as directory
from records.filing import storage_sweep
from records.requests import service as rr

MAX_PER_PAGE = 100


def _require(role: Role) -> None:
    if not has_role(role):
        raise ApiError(403, "forbidden", f"this action needs the {role.value} role")


def _paging() -> tuple[int, int]:
    page = rr.page_number(request.args)
    per = v.integer(request.args.get("per_page") or current_app.config["PAGE_SIZE"], "per_page")
    if not 1 <= per <= MAX_PER_PAGE:
        raise ValidationError("per_page", f"per_page must be between 1 and {MAX_PER_PAGE}")
    return page, per


def agency_or_404(agency_id: int) -> Agency:
    """A directory entry: the directory is shared by every organization on the instance."""
    current_org_id()
    agency = get_session().get(Agency, agency_id) if valid_id(agency_id) else None
    if agency is None:
        raise ApiError(404, "not_found", f"agency {agency_id} not found")
    return agency


def _agency_out(agency: Agency) -> dict[str, Any]:
    """The entry with the current organization's notes (never another's)."""
    return agency_json(
        agency, directory.notes_text(get_session(), current_org_id(), agency.id or 0)
    )


def request_or_404(request_id: int) -> RecordRequest:
    req = get_session().get(RecordRequest, request_id) if valid_id(request_id) else None
    if req is None or not rr.can_see(req, current_org_id(), g.api_user.id):
        raise ApiError(404, "not_found", f"request {request_id} not found")
    return req


@api_bp.get("/agencies")
def list_agencies() -> Any:
    page, per = _paging()
    db = get_session()
    args = request.args
    juris = args.get("jurisdiction", "")
    stmt = directory.search_agencies(
        db,
        current_org_id(),
        q=args.get("q", "")[:200],
        level=args.get("level", "")[:20],
        jurisdiction=juris[:2],
    )
    total = db.exec(select(func.count()).select_from(stmt.subquery())).one()
    rows = db.exec(stmt.offset((page - 1) * per).limit(per)).all()
    notes = dict(
        db.exec(
            select(AgencyNote.agency_id, AgencyNote.notes).where(
                AgencyNote.org_id == current_org_id(),
                col(AgencyNote.agency_id).in_([a.id for a in rows]),
            )
        ).all()
    )
    return {
        "items": [agency_json(a, notes.get(a.id or 0, "")) for a in rows],
        "page": page,
        "per_page": per,
        "total": total,
    }


@api_bp.post("/agencies")
def create_agency() -> Any:
    _require(Role.EDITOR)
    db = get_session()
    try:
        agency = directory.create_agency(db, current_org_id(), json_body(), user_id=g.api_user.id)
    except directory.DuplicateAgency as exc:
        raise ApiError(409, "duplicate", exc.message, "name") from None
    db.commit()
    return _agency_out(agency), 201


@api_bp.get("/agencies/<int:agency_id>")
def get_agency(agency_id: int) -> Any:
    return _agency_out(agency_or_404(agency_id))


@api_bp.patch("/agencies/<int:agency_id>")
def patch_agency(agency_id: int) -> Any:
    agency = agency_or_404(agency_id)
    _require(Role.EDITOR)
    db = get_session()
    try:
        directory.update_agency(
            db, agency, json_body(), org_id=current_org_id(), user_id=g.api_user.id
        )
    except directory.DuplicateAgency as exc:
        raise ApiError(409, "duplicate", exc.message, "name") from None
    db.commit()
    return _agency_out(agency)


@api_bp.get("/requests")
def list_requests() -> Any:
    page, per = _paging()
    filters = rr.parse_filters(request.args)
    result = rr.list_requests_only(
        get_session(), current_org_id(), g.api_user.id, filters, page, per
    )
    return {
        "items": requests_json(result.requests),
        "page": page,
        "per_page": per,
        "total": result.total,
        "total_capped": result.total_capped,
    }


@api_bp.post("/requests")
def create_request() -> Any:
    _require(Role.EDITOR)
    db = get_session()
    req = rr.create_request(db, current_org_id(), g.api_user.id, json_body())
    db.commit()
    return request_json(req), 201


@api_bp.get("/requests/<int:request_id>")
def get_request(request_id: int) -> Any:
    return request_json(request_or_404(request_id))


@api_bp.patch("/requests/<int:request_id>")
def patch_request(request_id: int) -> Any:
    req = request_or_404(request_id)
    _require(Role.EDITOR)
    db = get_session()
    rr.update_request(db, req, json_body(), g.api_user.id)
    db.commit()
    return request_json(req)


@api_bp.delete("/requests/<int:request_id>")
def delete_request(request_id: int) -> Any:
    req = request_or_404(request_id)
    _require(Role.EDITOR)
    db = get_session()
    forgotten = rr.delete_request(db, req)
    db.commit()
    storage_sweep.release_blobs(get_storage(current_app), forgotten, utc_now(), current_app.config)
    return "", 204
