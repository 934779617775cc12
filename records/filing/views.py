"""Document pages: the request panel, upload, show, edit sharing, download, confirm email events."""

from __future__ import annotations

import logging
from typing import Any, BinaryIO, cast

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from records.access import visibility
from records.access.visibility import current_viewer
from records.core.auth import has_role, login_required_with_org, require_role

# The JSON routes live beside these pages; importing them here registers them on the API blueprint
# before the app registers it.
from records.core.clock import utc_today
from records.core.db import get_session
from records.core.models import RecordRequest, Role, Visibility
from records.core.storage_local import get_storage
from records.core.validation import ValidationError
from records.filing import service as filing
from records.filing import sharing
from records.filing.models import Document, ProposedEvent, RequestEmbargo
from records.requests.views import request_or_404
from records.web import panels
from records.web.panels import REQUEST_PANELS

bp = Blueprint("documents", __name__)
log = logging.getLogger(__name__)


def _today() -> Any:
    return utc_today()


def document_or_404(doc_id: int) -> tuple[Document, RecordRequest]:
    """A document the logged-in member may see, with its request; 404 otherwise."""
    db = get_session()
    doc = db.get(Document, doc_id)
    req = db.get(RecordRequest, doc.request_id) if doc is not None else None
    if doc is None or req is None or not visibility.can_see(db, current_viewer(), doc):
        abort(404)
    return doc, req


def _panel(req: RecordRequest) -> tuple[str, dict[str, Any]]:
    db = get_session()
    viewer = current_viewer()
    proposed = filing.proposals_for(db, req, viewer, state="proposed")
    sources = {p.id: db.get(Document, p.document_id) for p in proposed if p.document_id}
    return "documents/panel.html", {
        "req": req,
        "docs": filing.documents_for(db, req, current_user.id),
        "proposed": proposed,
        "private_sources": {
            pid for pid, doc in sources.items() if doc and visibility.narrower_than_request(doc)
        },
        "notes": sharing.notes_for(db, cast(int, req.id), viewer),  # a stored request
        "embargo": db.get(RequestEmbargo, req.id),
        "kinds": list(filing.PROPOSAL_LABELS.items()),
        "can_edit": has_role(Role.EDITOR),
        "exemptions": filing.FEDERAL_EXEMPTIONS,
    }


def add_panels() -> None:
    """Show this module's panels on the pages (called from the package's ``init_app``)."""
    panels.add(REQUEST_PANELS, 40, _panel)


@bp.route("/requests/<int:request_id>/documents", methods=["POST"])
@login_required_with_org
def upload(request_id: int) -> Any:
    req = request_or_404(request_id)
    require_role(Role.EDITOR)
    files = [f for f in request.files.getlist("file") if f and f.filename]
    back = redirect(url_for("requests.show", request_id=req.id) + "#documents")
    if not files:
        flash("Choose at least one file to upload.", "error")
        return back
    if len(files) > filing.MAX_FILES:
        flash(
            f"Not filed: {len(files)} files chosen; one upload files at most "
            f"{filing.MAX_FILES} documents. Nothing was saved.",
            "error",
        )
        return back
    db = get_session()
    storage = get_storage(current_app)
    limit = current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024
    filed, proposed = 0, 0
    try:
        meta = filing.clean_meta(request.form, _today())
        for upload_file in files:
            result = filing.file_upload(
                db,
                storage,
                req,
                current_user.id,
                cast(BinaryIO, upload_file.stream),  # werkzeug types it IO[bytes]
                upload_file.filename,
                meta,
                max_bytes=limit,
                max_files=filing.MAX_FILES - filed,  # archives and emails share one budget
            )
            db.commit()  # each file stands alone: one refused file does not undo the others
            filed += len(result.documents)
            proposed += len(result.proposed)
    except ValidationError as exc:
        flash(f"Not filed: {exc.message}. Nothing was saved for that file.", "error")
    if filed:
        msg = f"Filed {filed} document(s); their text is being extracted."
        if proposed:
            msg += " An email was read: confirm the proposed event below."
        flash(msg, "success")
    return back


@bp.route("/documents/<int:doc_id>")
@login_required_with_org
def show(doc_id: int) -> Any:
    doc, req = document_or_404(doc_id)
    return render_template(
        "documents/show.html",
        doc=doc,
        req=req,
        exemptions=filing.exemptions_of(doc),
        federal=filing.FEDERAL_EXEMPTIONS,
    )


@bp.route("/documents/<int:doc_id>/edit", methods=["POST"])
@login_required_with_org
def edit(doc_id: int) -> Any:
    doc, _req = document_or_404(doc_id)
    require_role(Role.EDITOR)
    db = get_session()
    try:
        meta = filing.clean_meta(request.form, _today())
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(url_for("documents.show", doc_id=doc.id))
    doc.date_received = meta.date_received
    doc.exemptions = list(meta.exemptions)
    doc.redaction_notes, doc.description = meta.redaction_notes, meta.description
    doc.visibility, doc.embargo_until = meta.visibility, meta.embargo_until
    if meta.embargo_until is not None:
        doc.published_at = None
    db.add(doc)
    db.commit()
    log.info(
        "document %s updated by user %s (visibility %s)", doc.id, current_user.id, doc.visibility
    )
    flash("Document saved.", "success")
    return redirect(url_for("documents.show", doc_id=doc.id))


@bp.route("/documents/<int:doc_id>/download")
@login_required_with_org
def download(doc_id: int) -> Any:
    doc, _req = document_or_404(doc_id)
    from records.filing.api import send_download

    return send_download(doc)


@bp.route("/proposed-events/<int:proposed_id>/<action>", methods=["POST"])
@login_required_with_org
def decide(proposed_id: int, action: str) -> Any:
    db = get_session()
    proposed = db.get(ProposedEvent, proposed_id)
    # An event read from an email someone else filed as private is not there for this member.
    if (
        proposed is None
        or action not in ("confirm", "dismiss")
        or not visibility.can_see(db, current_viewer(), proposed)
    ):
        abort(404)
    req = request_or_404(proposed.request_id)
    require_role(Role.EDITOR)
    try:
        if action == "confirm":
            kind = request.form.get("kind") or proposed.kind
            filing.confirm_proposed(db, proposed, current_user.id, kind)
            flash("Event added to the timeline.", "success")
        else:
            filing.dismiss_proposed(db, proposed, current_user.id)
            flash("Proposal dismissed; the email stays filed.", "success")
        db.commit()
    except ValidationError as exc:
        flash(exc.message, "error")
    return redirect(url_for("requests.show", request_id=req.id) + "#documents")


@bp.route("/requests/<int:request_id>/embargo", methods=["POST"])
@login_required_with_org
def embargo(request_id: int) -> Any:
    req = request_or_404(request_id)
    require_role(Role.EDITOR)
    db = get_session()
    try:
        _vis, until = sharing.clean_sharing(
            req.visibility, request.form.get("embargo_until") or None, _today()
        )
    except ValidationError as exc:
        flash(exc.message, "error")
    else:
        sharing.set_request_embargo(db, req, until)
        db.commit()
        if until is None:
            message = "Embargo removed."
        elif req.visibility == Visibility.PUBLIC:
            message = f"This request will appear in the public archive on {until}."
        else:
            # An embargo never widens who can see the request.
            message = (
                f"Embargo set until {until}. The request stays {req.visibility} after that "
                "date; make it Public for it to appear in the archive then."
            )
        flash(message, "success")
    return redirect(url_for("requests.show", request_id=req.id) + "#documents")
