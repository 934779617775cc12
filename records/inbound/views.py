"""Holding pen, reply mailbox settings and the request page's mail panel (per organization)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func
from sqlmodel import col, select

from records.core.auth import current_org_id, has_role, login_required_with_org, require_role
from records.core.db import get_session
from records.core.models import RecordRequest, Role
from records.core.storage_local import get_storage
from records.core.validation import MAX_ID, ValidationError
from records.inbound import service
from records.inbound.models import InboundMessage
from records.inbound.parse import parse
from records.requests import service as rr
from records.web import panels
from records.web.panels import DASHBOARD_PANELS, REQUEST_PANELS

bp = Blueprint("inbound", __name__)
PREVIEW_CHARS = 3000


# The "file on another request" list offers the most recently updated requests; any other is
# named by its number or tracking number: an organization's requests are never all listed.
RECENT_CHOICES = 50


_CHOICE_COLUMNS = (
    col(RecordRequest.id),
    col(RecordRequest.title),
    col(RecordRequest.tracking_number),
)


def _visible(org_id: int) -> Any:
    return rr.visible_clause(org_id, current_user.id)


def _recent_requests(org_id: int) -> list[Any]:
    """(id, title, tracking_number) of the member's most recently updated requests."""
    return list(
        get_session()
        .exec(
            select(*_CHOICE_COLUMNS)
            .where(_visible(org_id))
            .order_by(col(RecordRequest.updated_at).desc(), col(RecordRequest.id).desc())
            .limit(RECENT_CHOICES)
        )
        .all()
    )


def _requests_by_id(org_id: int, ids: set[int]) -> dict[int, Any]:
    """The visible requests among ``ids`` (a held message's candidates), by id: one query."""
    if not ids:
        return {}
    rows = get_session().exec(
        select(*_CHOICE_COLUMNS).where(_visible(org_id), col(RecordRequest.id).in_(ids))
    )
    return {row[0]: row for row in rows if row[0] is not None}


@bp.route("/mail/held")
@login_required_with_org
def held() -> Any:
    org_id = current_org_id()
    db = get_session()
    rows = service.held(db, org_id)
    wanted = {int(c) for row in rows for c in row.candidates or []}
    found = _requests_by_id(org_id, wanted)
    items = []
    for row in rows:
        mail = parse(row.raw) if row.raw else None
        candidates = [int(c) for c in row.candidates or []]
        items.append(
            {
                "row": row,
                # Text only: HTML mail was reduced to text by the parser, and Jinja escapes it.
                "preview": (mail.body[:PREVIEW_CHARS] if mail else ""),
                "candidates": [found[c] for c in candidates if c in found],
            }
        )
    return render_template(
        "inbound/held.html",
        items=items,
        requests=_recent_requests(org_id) if items else [],
        can_file=has_role(Role.EDITOR),
    )


def _chosen_request(org_id: int) -> RecordRequest | None:
    """The request a filing form names: its "number or tracking number" field when filled (a
    tracking number first, then a request number), else the one picked in the list. Only a
    request this member may see is ever returned."""
    db = get_session()
    ref = request.form.get("request_ref", "").strip()[:200]
    if ref:
        by_tracking = db.exec(
            select(RecordRequest)
            .where(_visible(org_id), func.lower(RecordRequest.tracking_number) == ref.lower())
            .limit(2)
        ).all()
        if len(by_tracking) == 1:
            return by_tracking[0]
        if by_tracking:
            return None  # two requests share it: the list or the request's number tells them apart
        number = ref.removeprefix("#")
        request_id = int(number) if number.isascii() and number.isdigit() else 0
    else:
        try:
            request_id = int(request.form.get("request_id") or 0)
        except ValueError:
            request_id = 0
    req = db.get(RecordRequest, request_id) if 0 < request_id <= MAX_ID else None
    return req if req is not None and rr.can_see(req, org_id, current_user.id) else None


@bp.route("/mail/held/<int:message_id>/file", methods=["POST"])
@login_required_with_org
def file_one(message_id: int) -> Any:
    require_role(Role.EDITOR)
    org_id = current_org_id()
    db = get_session()
    row = db.get(InboundMessage, message_id)
    if row is None or row.org_id != org_id:
        abort(404)
    req = _chosen_request(org_id)
    if req is None:
        flash(
            "Not filed: choose one of your organization's requests, or give its number or "
            "its tracking number.",
            "error",
        )
        return redirect(url_for("inbound.held"))
    assert row.id is not None and req.id is not None  # both read from the database
    try:
        service.file_held(
            db,
            get_storage(current_app),
            current_app.config,
            org_id,
            row.id,
            req.id,
            current_user.id,
        )
    except ValidationError as exc:
        db.rollback()
        flash(f"Not filed: {exc.message}", "error")
        return redirect(url_for("inbound.held"))
    db.commit()
    flash(f"Filed on “{req.title}”; confirm its proposed event on the request page.", "success")
    return redirect(url_for("inbound.held"))


@bp.route("/settings/mail", methods=["GET", "POST"])
@login_required_with_org
def settings() -> Any:
    require_role(Role.OWNER)
    org_id = current_org_id()
    db = get_session()
    box = service.mailbox_of(db, org_id)
    typed: Any = None
    status = 200
    if request.method == "POST":
        try:
            box = service.save_mailbox(db, current_app.config, org_id, request.form)
        except ValidationError as exc:
            db.rollback()
            flash(f"Not saved: {exc.message}", "error")
            typed, status = request.form, 400
        else:
            db.commit()
            flash("Reply mailbox saved.", "success")
            return redirect(url_for("inbound.settings"))
    return render_template(
        "inbound/settings.html",
        box=box,
        typed=typed,
        has_password=bool(box and box.imap_password),
    ), status


def _panel(req: RecordRequest) -> tuple[str, dict[str, Any]] | None:
    rows = service.filed_on(get_session(), req)
    if not rows:
        return None
    return "inbound/_panel.html", {"mail": rows}


def add_panels() -> None:
    """Show this module's panels on the pages (called from the package's ``init_app``)."""
    panels.add(REQUEST_PANELS, 45, _panel)
    panels.add(DASHBOARD_PANELS, 5, _dashboard_panel)


def _dashboard_panel(org_id: int, _user_id: int) -> tuple[str, dict[str, Any]] | None:
    count = service.held_count(get_session(), org_id)
    if not count:
        return None
    return "inbound/_dashboard.html", {"held": count}
