"""'File again' on the request page: copy a request to other agencies or for a new period."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from records.core.auth import has_role, login_required_with_org, require_role
from records.core.db import get_session
from records.core.models import RecordRequest, Role
from records.core.validation import ValidationError
from records.directory import service as directory
from records.requests import refile
from records.requests import service as rr
from records.requests.views import request_or_404
from records.web import panels
from records.web.forms import EmptyForm
from records.web.panels import REQUEST_PANELS

bp = Blueprint("file_again", __name__, url_prefix="/requests")


def _context(req: RecordRequest, values: dict[str, Any], error: str | None) -> dict[str, Any]:
    db = get_session()
    options = directory.agency_options(
        db,
        keep=values.get("agency_ids", []),
        prefer=rr.agencies_written_to(db, req.org_id),
        order="jurisdiction",
    )
    return {
        "req": req,
        "agencies": options.rows,
        "agencies_complete": options.complete,
        "values": values,
        "error": error,
        "empty": EmptyForm(),
    }


def _panel(req: RecordRequest) -> tuple[str, dict[str, Any]] | None:
    if not has_role(Role.EDITOR):
        return None
    # No agency list here (the request page stays a fixed number of queries): the panel files
    # again for a new period; choosing other agencies is the form page's.
    return "requests/_file_again.html", {"req": req}


def add_panels() -> None:
    """Show this module's panels on the pages (called from the package's ``init_app``)."""
    panels.add(REQUEST_PANELS, 60, _panel)


@bp.route("/<int:request_id>/file-again", methods=["GET", "POST"])
@login_required_with_org
def file_again(request_id: int) -> Any:
    """The form (GET), or the copies made (POST), then back to the first copy or the list."""
    req = request_or_404(request_id)
    require_role(Role.EDITOR)
    values = {
        "agency_ids": [x[:12] for x in request.form.getlist("agency_ids")][:500],
        "date_from": request.form.get("date_from", "")[:20],
        "date_to": request.form.get("date_to", "")[:20],
        "title": request.form.get("title", "")[:400],
    }
    error = None
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        db = get_session()
        try:
            done = refile.file_again(db, req, current_user.id, values)
        except ValidationError as exc:
            db.rollback()
            error = exc.message
        else:
            db.commit()
            n = len(done.requests)
            flash(f"Filed again: {n} new draft request{'' if n == 1 else 's'}.", "success")
            for agency_id, problem in done.letter_problems.items():
                flash(f"The letter for agency {agency_id} was not drafted: {problem}", "error")
            if n == 1:
                return redirect(url_for("requests.show", request_id=done.requests[0].id))
            return redirect(url_for("requests.index", sort="created"))
    return render_template("requests/file_again.html", **_context(req, values, error)), (
        422 if error else 200
    )
