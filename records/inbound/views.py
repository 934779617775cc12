"""Holding pen, reply mailbox settings and the request page's mail panel (per organization)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import col, select

from records.core.auth import current_org_id, has_role, login_required_with_org, require_role
from records.core.db import get_session
from records.core.models import RecordRequest, Role
from records.core.storage_local import get_storage
from records.core.validation import ValidationError
from records.inbound import service
from records.inbound.models import InboundMessage
from records.inbound.parse import parse
from records.requests import service as rr
from records.web import panels
from records.web.panels import DASHBOARD_PANELS, REQUEST_PANELS

bp = Blueprint("inbound", __name__)
PREVIEW_CHARS = 3000


def _requests(org_id: int) -> list[RecordRequest]:
    db = get_session()
    rows = db.exec(
        select(RecordRequest).where(RecordRequest.org_id == org_id).order_by(col(RecordRequest.id))
    ).all()
    return [r for r in rows if rr.can_see(r, org_id, current_user.id)]


@bp.route("/mail/held")
@login_required_with_org
def held() -> Any:
    org_id = current_org_id()
    db = get_session()
    requests = _requests(org_id)
    items = []
    for row in service.held(db, org_id):
        mail = parse(row.raw) if row.raw else None
        candidates = [int(c) for c in row.candidates or []]
        items.append(
            {
                "row": row,
                # Text only: HTML mail was reduced to text by the parser, and Jinja escapes it.
                "preview": (mail.body[:PREVIEW_CHARS] if mail else ""),
                "candidates": [r for r in requests if r.id in candidates],
            }
        )
    return render_template(
        "inbound/held.html",
        items=items,
        requests=requests,
        can_file=has_role(Role.EDITOR),
    )


@bp.route("/mail/held/<int:message_id>/file", methods=["POST"])
@login_required_with_org
def file_one(message_id: int) -> Any:
    require_role(Role.EDITOR)
    org_id = current_org_id()
    db = get_session()
    row = db.get(InboundMessage, message_id)
    if row is None or row.org_id != org_id:
        abort(404)
    try:
        request_id = int(request.form.get("request_id") or 0)
    except ValueError:
        request_id = 0
    req = db.get(RecordRequest, request_id) if request_id else None
    if req is None or not rr.can_see(req, org_id, current_user.id):
        flash("Not filed: choose one of your organization's requests.", "error")
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
    count = len(service.held(get_session(), org_id))
    if not count:
        return None
    return "inbound/_dashboard.html", {"held": count}
