"""The audit trail for organization owners: filtered list and CSV export (read-only)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, time
from typing import Any, cast

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from sqlalchemy import func
from sqlalchemy.sql import ColumnElement
from sqlmodel import col, select

from records.access import visibility
from records.core import csvout
from records.core import validation as v
from records.core.audit_models import AuditLog
from records.core.auth import (
    acting_user,
    current_org_id,
    has_role,
    login_required_with_org,
    require_role,
)
from records.core.db import capped_count, get_session
from records.core.models import Role, User
from records.requests.service import page_number
from records.web import panels
from records.web.panels import DASHBOARD_PANELS

bp = Blueprint("audit", __name__, url_prefix="/audit")
ACTIONS = ("insert", "update", "delete")
PRIVATE_NOTE = "[private: values hidden]"
CSV_FIELDS = ("id", "at", "actor_id", "actor_email", "ip", "action", "object_type", "object_id")


def _filters(org_id: int) -> tuple[list[ColumnElement[bool]], dict[str, str]]:
    args = request.args
    shown = {
        k: (args.get(k) or "")[:60] for k in ("action", "object_type", "actor_id", "since", "until")
    }
    where: list[ColumnElement[bool]] = [col(AuditLog.org_id) == org_id]
    if shown["action"]:
        if shown["action"] not in ACTIONS:
            raise v.ValidationError("action", f"action must be one of: {', '.join(ACTIONS)}")
        where.append(col(AuditLog.action) == shown["action"])
    if shown["object_type"]:
        where.append(col(AuditLog.object_type) == shown["object_type"])
    actor = v.integer(shown["actor_id"] or None, "actor_id")
    if actor is not None:
        where.append(col(AuditLog.actor_id) == actor)
    since = v.iso_date(shown["since"] or None, "since")
    if since:
        where.append(col(AuditLog.at) >= datetime.combine(since, time.min, UTC))
    until = v.iso_date(shown["until"] or None, "until")
    if until:
        where.append(col(AuditLog.at) <= datetime.combine(until, time.max, UTC))
    return where, shown


@bp.route("/")
@login_required_with_org
def index() -> Any:
    """The organization's audit trail, newest first (owners only)."""
    require_role(Role.OWNER)
    org_id = current_org_id()
    db = get_session()
    try:
        where, shown = _filters(org_id)
        page = page_number(request.args)
    except v.ValidationError as exc:
        return render_template("error.html", title="Bad filter", message=exc.message), 400
    per_page = current_app.config["PAGE_SIZE"]
    rows = db.exec(
        select(AuditLog, User)
        .outerjoin(User, col(User.id) == col(AuditLog.actor_id))
        .where(*where)
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    total = db.exec(select(func.count()).select_from(AuditLog).where(*where)).one()
    types = db.exec(
        select(AuditLog.object_type)
        .where(AuditLog.org_id == org_id)
        .distinct()
        .order_by(AuditLog.object_type)
    ).all()
    return render_template(
        "audit/index.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // per_page)),
        shown=shown,
        actions=ACTIONS,
        types=types,
        pretty=_pretty,
        hidden=_redactor(org_id, _user_id(), [e for e, _u in rows]),
    )


def _redactor(org_id: int, user_id: int, entries: list[AuditLog]) -> Any:
    """Hide the values of entries about objects the reader may not see (``records.access.visibility``:
    another member's private request, document, email or anything read from them)."""
    return visibility.audit_redactor(
        get_session(), visibility.Viewer.member(org_id, user_id), entries
    )


def _pretty(data: dict[str, Any] | None) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False) if data else ""


@bp.route("/export.csv")
@login_required_with_org
def export_csv() -> Any:
    """Every audit row matching the filters as CSV (owners only)."""
    require_role(Role.OWNER)
    org_id = current_org_id()
    try:
        where, _shown = _filters(org_id)
    except v.ValidationError as exc:
        return render_template("error.html", title="Bad filter", message=exc.message), 400
    db = get_session()
    stmt = (
        select(AuditLog, User.email)
        .outerjoin(User, col(User.id) == col(AuditLog.actor_id))
        .where(*where)
        .order_by(col(AuditLog.at), col(AuditLog.id))
    )
    rows = db.exec(stmt).all()
    hidden = _redactor(org_id, _user_id(), [entry for entry, _email in rows])

    def records() -> Iterator[tuple[Any, ...]]:
        for entry, email in rows:
            yield (
                entry.id,
                entry.at.isoformat(),
                entry.actor_id,
                email,
                entry.ip,
                entry.action,
                entry.object_type,
                entry.object_id,
                PRIVATE_NOTE if hidden(entry) else _pretty(entry.before),
                PRIVATE_NOTE if hidden(entry) else _pretty(entry.after),
            )

    return Response(
        stream_with_context(csvout.stream([*CSV_FIELDS, "before", "after"], records())),
        mimetype=csvout.MIMETYPE,
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )


AUDIT_COUNT_CAP = 10_000


def _dashboard_panel(org_id: int, user_id: int) -> tuple[str, dict[str, Any]] | None:
    """Owners get a link to the audit trail with the number of recorded changes."""
    if not has_role(Role.OWNER):
        return None
    # Counted up to a cap: the trail only grows, and the dashboard is opened all day.
    recorded = select(AuditLog.id).where(AuditLog.org_id == org_id)
    total = get_session().exec(capped_count(recorded, AUDIT_COUNT_CAP + 1)).one()
    shown = f"{AUDIT_COUNT_CAP:,}+" if total > AUDIT_COUNT_CAP else f"{total:,}"
    return "audit/panel.html", {"total": total, "shown": shown}


def add_panels() -> None:
    """Show this module's panels on the pages (called from the package's ``init_app``)."""
    panels.add(DASHBOARD_PANELS, 90, _dashboard_panel)


def _user_id() -> int:
    """The signed-in reader's id (the audit pages require one)."""
    return cast(int, cast(User, acting_user()).id)
