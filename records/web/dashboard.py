"""The dashboard: what needs attention now. Anonymous visitors get the welcome page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user

from records.core.auth import current_membership, current_org_id, login_required_with_org
from records.core.db import get_session
from records.lifecycle.service import STATUSES
from records.requests import service as rr
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
    # The most recent requests and counts up to a cap that link to the full lists: the
    # dashboard costs the same at 10,000 requests as at 100,000.
    recent = rr.list_requests(db, org_id, current_user.id, rr.Filters(), 1, 10, count=False)
    counts = rr.status_counts(db, org_id, current_user.id, STATUSES)
    panels = collect(DASHBOARD_PANELS, org_id, current_user.id)
    return render_template(
        "dashboard/index.html",
        recent=recent,
        counts=counts,
        panels=panels,
        shown_count=rr.shown_count,
    )
