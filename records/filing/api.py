"""Documents over JSON: upload (multipart, streamed to disk), list, show, download."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request, send_file

from records.access import visibility
from records.access.visibility import current_viewer
from records.api import api_bp
from records.api.errors import ApiError
from records.api.openapi import ERRORS, ID, PATHS, SCHEMAS, _json
from records.core.clock import utc_today
from records.core.db import get_session
from records.core.models import RecordRequest, Role
from records.core.storage_local import get_storage
from records.core.validation import max_length
from records.filing import service as filing
from records.filing.inputs import DocumentMetaInput
from records.filing.models import Document
from records.requests.api import _require
from records.requests.api import request_or_404 as api_request_or_404

DOC_KEYS = (
    "id",
    "request_id",
    "event_id",
    "sha256",
    "name",
    "mime",
    "size",
    "pages",
    "source",
    "date_received",
    "redaction_notes",
    "description",
    "visibility",
    "embargo_until",
    "text_status",
    "text_progress",
    "created_by",
    "created_at",
)


def document_json(doc: Document) -> dict[str, Any]:
    """A document as JSON (without its text; exemptions as a list)."""
    out: dict[str, Any] = {}
    for key in DOC_KEYS:
        value = getattr(doc, key)
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    out["exemptions"] = filing.exemptions_of(doc)
    return out


def document_or_404(doc_id: int) -> tuple[Document, RecordRequest]:
    """A document the caller may see, with its request; 404 otherwise."""
    db = get_session()
    doc = db.get(Document, doc_id)
    req = db.get(RecordRequest, doc.request_id) if doc is not None else None
    if doc is None or req is None or not visibility.can_see(db, current_viewer(), doc):
        raise ApiError(404, "not_found", f"document {doc_id} not found")
    return doc, req


@api_bp.post("/requests/<int:request_id>/documents")
def upload_documents(request_id: int) -> Any:
    req = api_request_or_404(request_id)
    _require(Role.EDITOR)
    upload = request.files.get("file")  # werkzeug spools file parts to disk past 500 KB
    if upload is None or not upload.filename:
        raise ApiError(422, "required", "send the file as multipart form field 'file'", "file")
    db = get_session()
    today = utc_today()
    meta = filing.clean_meta(request.form, today)
    result = filing.file_upload(
        db,
        get_storage(current_app),
        req,
        g.api_user.id,
        upload.stream,
        upload.filename,
        meta,
        max_bytes=current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024,
    )
    db.commit()
    first, *rest = result.documents
    body = document_json(first)
    body["also_filed"] = [document_json(d) for d in rest]
    body["proposed_events"] = [
        {"id": p.id, "kind": p.kind, "on": p.on.isoformat(), "subject": p.subject}
        for p in result.proposed
    ]
    return body, 201


@api_bp.get("/requests/<int:request_id>/documents")
def list_documents(request_id: int) -> Any:
    req = api_request_or_404(request_id)
    docs = filing.documents_for(get_session(), req, g.api_user.id)
    return {"items": [document_json(d) for d in docs], "total": len(docs)}


@api_bp.get("/documents/<int:doc_id>")
def get_document(doc_id: int) -> Any:
    doc, _req = document_or_404(doc_id)
    return document_json(doc)


@api_bp.get("/documents/<int:doc_id>/download")
def download_document(doc_id: int) -> Any:
    doc, _req = document_or_404(doc_id)
    return send_download(doc)


def send_download(doc: Document) -> Any:
    """The stored bytes as an attachment (never rendered inline)."""
    resp = send_file(
        get_storage(current_app).open(doc.sha256),
        mimetype=doc.mime,
        as_attachment=True,
        download_name=doc.name,
        max_age=0,
    )
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return resp


DOC_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "request_id": {"type": "integer"},
        "event_id": {"type": ["integer", "null"]},
        "sha256": {"type": "string"},
        "name": {"type": "string"},
        "mime": {"type": "string"},
        "size": {"type": "integer"},
        "pages": {"type": ["integer", "null"]},
        "source": {"type": "string"},
        "date_received": {"type": ["string", "null"], "format": "date"},
        "exemptions": {"type": "array", "items": {"type": "string"}},
        "redaction_notes": {"type": "string"},
        "description": {"type": "string"},
        "visibility": {"type": "string", "enum": ["private", "organization", "public"]},
        "embargo_until": {"type": ["string", "null"], "format": "date"},
        "text_status": {
            "type": "string",
            "enum": ["pending", "running", "done", "no_text_layer", "failed"],
        },
        "text_progress": {"type": "integer"},
        "created_by": {"type": ["integer", "null"]},
        "created_at": {"type": "string", "format": "date-time"},
    },
    "required": ["id", "request_id", "sha256", "name", "mime", "size", "pages", "text_status"],
}
SCHEMAS["Document"] = DOC_SCHEMA
SCHEMAS["DocumentList"] = {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Document"}},
        "total": {"type": "integer"},
    },
    "required": ["items", "total"],
}
_UPLOAD_FIELDS = {
    "file": {"type": "string", "format": "binary"},
    "event_id": {"type": "integer"},
    "date_received": {"type": "string", "format": "date"},
    "exemptions": {"type": "string", "description": "comma-separated, e.g. (b)(6), (b)(7)(C)"},
    "redaction_notes": {
        "type": "string",
        "maxLength": max_length(DocumentMetaInput, "redaction_notes"),
    },
    "description": {"type": "string", "maxLength": max_length(DocumentMetaInput, "description")},
    "visibility": {"type": "string", "enum": ["private", "organization", "public"]},
    "embargo_until": {"type": "string", "format": "date"},
}
PATHS["/requests/{request_id}/documents"] = {
    "parameters": [{"name": "request_id", **ID}],
    "get": {
        "summary": "Documents filed on a request that the caller may see",
        "responses": {"200": _json("#/components/schemas/DocumentList"), **ERRORS},
    },
    "post": {
        "summary": "File a document (a ZIP is unpacked; an email proposes an event)",
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": _UPLOAD_FIELDS,
                        "required": ["file"],
                    }
                }
            },
        },
        "responses": {
            "201": _json("#/components/schemas/Document", "Filed"),
            "413": {"description": "Too large"},
            **ERRORS,
        },
    },
}
PATHS["/documents/{doc_id}"] = {
    "parameters": [{"name": "doc_id", **ID}],
    "get": {
        "summary": "One document",
        "responses": {"200": _json("#/components/schemas/Document"), **ERRORS},
    },
}
PATHS["/documents/{doc_id}/download"] = {
    "parameters": [{"name": "doc_id", **ID}],
    "get": {
        "summary": "The document's bytes, as an attachment",
        "responses": {
            "200": {
                "description": "The file",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            },
            **ERRORS,
        },
    },
}
