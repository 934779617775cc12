"""The dashboard: what needs attention now. Anonymous visitors get the welcome page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func
from sqlmodel import select

from records import record_requests as rr
from records.auth import current_membership, current_org_id, login_required_with_org
from records.db import get_session
from records.models import RecordRequest
from records.web.panels import DASHBOARD_PANELS, collect

bp = Blueprint("dashboard", __name__)


@bp.route("/")
def index() -> Any:
    if not current_user.is_authenticated:
        return render_template("welcome.html")
    if current_membership() is None:
        return login_required_with_org(lambda: None)()
    return _dashboard()


def _dashboard() -> Any:
    org_id = current_org_id()
    db = get_session()
    recent = rr.list_requests(db, org_id, current_user.id, rr.Filters(), 1, 10)
    counts = dict(
        db.exec(
            select(RecordRequest.status, func.count())
            .where(rr.visible_clause(org_id, current_user.id))
            .group_by(RecordRequest.status)
        ).all()
    )
    panels = collect(DASHBOARD_PANELS, org_id, current_user.id)
    return render_template("dashboard/index.html", recent=recent, counts=counts, panels=panels)
