"""Evidence bundle pages: export a request as a ZIP, import one; sent letters on public pages."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import col, select

from records.access import visibility
from records.core.auth import current_org_id, has_role, login_required_with_org, require_role
from records.core.clock import utc_today
from records.core.db import get_session
from records.core.models import RecordRequest, Role
from records.core.storage_local import get_storage
from records.core.validation import ValidationError
from records.filing import bundle
from records.requests.views import request_or_404
from records.web import panels
from records.web.panels import PUBLIC_REQUEST_PANELS, REQUEST_PANELS

bp = Blueprint("bundle", __name__)
log = logging.getLogger(__name__)


def _panel(req: RecordRequest) -> tuple[str, dict[str, Any]]:
    return "bundle/panel.html", {"req": req, "can_import": has_role(Role.EDITOR)}


def _public_letters(req: RecordRequest) -> tuple[str, dict[str, Any]] | None:
    """Letters actually sent on a published request (drafts stay inside the organization)."""
    try:
        from records.letters.models import StoredLetter
    except ImportError:
        return None
    public = visibility.Viewer.public()  # the public sees only letters actually sent
    letters = (
        get_session()
        .exec(
            select(StoredLetter)
            .where(StoredLetter.request_id == req.id, visibility.where(StoredLetter, public))
            .order_by(col(StoredLetter.sent_on), col(StoredLetter.id))
        )
        .all()
    )
    return "bundle/public_letters.html", {"letters": letters}


def add_panels() -> None:
    """Show this module's panels on the pages (called from the package's ``init_app``)."""
    panels.add(REQUEST_PANELS, 45, _panel)
    panels.add(PUBLIC_REQUEST_PANELS, 10, _public_letters)


@bp.route("/requests/<int:request_id>/bundle.zip")
@login_required_with_org
def export(request_id: int) -> Any:
    req = request_or_404(request_id)
    return bundle.export_response(get_session(), get_storage(current_app), req, current_user.id)


@bp.route("/bundles/import", methods=["GET", "POST"])
@login_required_with_org
def import_page() -> Any:
    org_id = current_org_id()
    require_role(Role.EDITOR)
    error = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            error = "Choose a bundle (.zip) exported from Records Desk."
        else:
            db = get_session()
            try:
                req = bundle.import_upload(
                    db,
                    get_storage(current_app),
                    org_id,
                    current_user.id,
                    upload.stream,
                    max_bytes=current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024,
                    today=utc_today(),
                )
                db.commit()
            except ValidationError as exc:
                error = f"{exc.message}. Nothing was imported."
            else:
                flash(
                    "Bundle imported: the request, its timeline, documents and register entries.",
                    "success",
                )
                return redirect(url_for("requests.show", request_id=req.id))
    return render_template("bundle/import.html", error=error), (422 if error else 200)
