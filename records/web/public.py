"""The public archive: requests organizations chose to publish. Anonymous access."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlmodel import select

from records.db import get_session
from records.models import Agency, Organization, RecordRequest, Visibility
from records.web.panels import PUBLIC_REQUEST_PANELS, collect

bp = Blueprint("public", __name__, url_prefix="/public")
PER_PAGE = 25


@bp.route("/")
def index() -> Any:
    db = get_session()
    try:
        page = max(1, min(int(request.args.get("page", "1")), 100000))
    except ValueError:
        page = 1
    stmt = (
        select(RecordRequest, Agency, Organization)
        .join(Agency, Agency.id == RecordRequest.agency_id)
        .join(Organization, Organization.id == RecordRequest.org_id)
        .where(RecordRequest.visibility == Visibility.PUBLIC)
        .order_by(RecordRequest.id.desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE + 1)
    )
    rows = db.exec(stmt).all()
    return render_template(
        "public/index.html", rows=rows[:PER_PAGE], page=page, more=len(rows) > PER_PAGE
    )


@bp.route("/requests/<int:request_id>")
def show(request_id: int) -> Any:
    db = get_session()
    req = db.get(RecordRequest, request_id)
    if req is None or req.visibility != Visibility.PUBLIC:
        abort(404)
    return render_template(
        "public/show.html",
        panels=collect(PUBLIC_REQUEST_PANELS, req),
        req=req,
        agency=db.get(Agency, req.agency_id),
        org=db.get(Organization, req.org_id),
    )
