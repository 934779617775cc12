"""Letters over JSON: draft for a request, read, edit the text, send or mark sent, download."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g

from records.access import visibility
from records.access.visibility import current_viewer
from records.api import api_bp, json_body
from records.api.errors import ApiError
from records.api.openapi import ERRORS, PATHS, SCHEMAS, _json, input_schema
from records.core import validation as v
from records.core.clock import utc_now, utc_today
from records.core.db import get_session
from records.core.models import Agency, Role
from records.core.validation import MAX_ID
from records.letters import service as ls
from records.letters.drafting import DraftingError
from records.letters.inputs import LetterTextInput
from records.letters.models import StoredLetter
from records.letters.output import PdfConversionError, to_pdf
from records.requests.api import _require, request_or_404

LETTER_KEYS = (
    "id",
    "request_id",
    "kind",
    "subject",
    "law_code",
    "subject_line",
    "text",
    "sent_method",
    "sent_on",
    "sent_to",
    "message_id",
)
MIMETYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "txt": "text/plain; charset=utf-8",
    "pdf": "application/pdf",
}


def letter_json(stored: StoredLetter) -> dict[str, Any]:
    """A stored letter as JSON."""
    out: dict[str, Any] = {key: getattr(stored, key) for key in LETTER_KEYS}
    out["sent_on"] = stored.sent_on.isoformat() if stored.sent_on else None
    out["options"] = dict(stored.options or {})
    out["warnings"] = ls.warnings_of(stored)
    out["created_at"] = stored.created_at.isoformat()
    out["updated_at"] = stored.updated_at.isoformat()
    return out


# How each reason a letter was not sent is answered (see ``SendError``).
SEND_STATUS = {
    "already_sent": 409,
    "in_progress": 409,
    "not_allowed": 409,
    "no_address": 422,
    "delivery": 502,
}
ID = {
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
}


def _request(request_id: int) -> Any:
    if request_id > MAX_ID:
        raise ApiError(404, "not_found", f"request {request_id} not found")
    return request_or_404(request_id)


def _letter_or_404(letter_id: int) -> tuple[StoredLetter, Any, Agency]:
    if letter_id > MAX_ID:
        raise ApiError(404, "not_found", f"letter {letter_id} not found")
    db = get_session()
    stored = db.get(StoredLetter, letter_id)
    if not visibility.can_see(db, current_viewer(), stored):
        raise ApiError(404, "not_found", f"letter {letter_id} not found")
    req = request_or_404(stored.request_id)
    return stored, req, db.get(Agency, req.agency_id)


@api_bp.get("/requests/<int:request_id>/letters")
def list_letters(request_id: int) -> Any:
    req = _request(request_id)
    letters = ls.letters_for_request(get_session(), req.id, current_viewer())
    return {"items": [letter_json(s) for s in letters]}


@api_bp.post("/requests/<int:request_id>/letters")
def create_letter(request_id: int) -> Any:
    req = _request(request_id)
    _require(Role.EDITOR)
    db = get_session()
    body = json_body()
    settings = ls.letter_settings(db, req.org_id)
    options = ls.parse_options(body, default_fee_cap=settings.default_fee_cap if settings else 50)
    letter_date = v.iso_date(body.get("letter_date"), "letter_date") or utc_today()
    agency = db.get(Agency, req.agency_id)
    try:
        letter = ls.draft_for(db, req, agency, g.api_user, options, letter_date)
    except DraftingError as exc:
        raise ApiError(422, "cannot_draft", str(exc)) from None
    stored = ls.store_letter(db, req, options, letter, g.api_user.id)
    db.commit()
    return letter_json(stored), 201


@api_bp.get("/letters/<int:letter_id>")
def get_letter(letter_id: int) -> Any:
    return letter_json(_letter_or_404(letter_id)[0])


@api_bp.patch("/letters/<int:letter_id>")
def patch_letter(letter_id: int) -> Any:
    stored, _req, _agency = _letter_or_404(letter_id)
    _require(Role.EDITOR)
    body = json_body()
    if set(body) != {"text"}:
        raise v.ValidationError("text", "send exactly one field: text")
    db = get_session()
    ls.update_text(db, stored, body["text"], g.api_user.id)
    db.commit()
    return letter_json(stored)


@api_bp.post("/letters/<int:letter_id>/send")
def send_letter(letter_id: int) -> Any:
    stored, req, agency = _letter_or_404(letter_id)
    _require(Role.EDITOR)
    body = json_body()
    db = get_session()
    method = body.get("method", "email")
    try:
        if method == "email":
            ls.send_by_email(
                db,
                current_app.config,
                stored,
                req,
                agency,
                g.api_user,
                utc_now(),
                str(body.get("to") or ""),
            )
        else:
            on = v.iso_date(body.get("sent_on"), "sent_on", required=True)
            ls.mark_sent(db, stored, req, str(method), on, g.api_user.id, utc_now())
    except ls.SendError as exc:
        db.rollback()
        # Only the mail server failing is a gateway error; the rest are the caller's to fix.
        raise ApiError(SEND_STATUS[exc.reason], exc.reason, str(exc)) from None
    db.commit()
    return letter_json(stored)


@api_bp.get("/letters/<int:letter_id>/download.<fmt>")
def download_letter(letter_id: int, fmt: str) -> Any:
    stored, _req, agency = _letter_or_404(letter_id)
    if fmt not in MIMETYPES:
        raise ApiError(404, "not_found", "download as docx, txt or pdf")
    if fmt == "txt":
        data: bytes | None = stored.text.encode("utf-8")
    else:
        data = ls.docx_for(get_session(), stored, agency.name)
        if fmt == "pdf":
            try:
                data = to_pdf(data)
            except PdfConversionError as exc:
                raise ApiError(502, "pdf_failed", str(exc)) from None
            if data is None:
                raise ApiError(501, "pdf_unavailable", "LibreOffice is not installed on the server")
    name = ls.filename_for(stored, agency, fmt)
    return Response(
        data,
        mimetype=MIMETYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


_OPTIONS = {
    "type": "object",
    "properties": {
        "subject": {"type": "string", "enum": ["agreements", "forfeiture", "communications"]},
        "items": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "variables": {"type": "object", "additionalProperties": True},
        "agency_kind": {"type": "string"},
        "fee_cap": {"type": ["number", "string"]},
        "format": {"type": "string", "enum": ["electronic", "pdf", "paper"]},
        "want_fee_waiver": {"type": "boolean"},
        "want_expedite": {"type": "boolean"},
        "letter_date": {"type": "string", "format": "date"},
    },
    "required": ["subject", "items"],
}
SCHEMAS["Letter"] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "request_id": {"type": "integer"},
        "kind": {"type": "string"},
        "subject": {"type": "string"},
        "law_code": {"type": "string"},
        "subject_line": {"type": "string"},
        "text": {"type": "string"},
        "options": {"type": "object"},
        "warnings": {"type": "array", "items": {"type": "string"}},
        "sent_method": {"type": "string"},
        "sent_on": {"type": ["string", "null"], "format": "date"},
        "sent_to": {"type": "string"},
        "message_id": {"type": "string"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
    },
    "required": ["id", "request_id", "text", "law_code"],
}
SCHEMAS["LetterOptions"] = _OPTIONS
_LETTER = _json("#/components/schemas/Letter")
_SEND_ERRORS = {
    **ERRORS,
    "409": _json(
        "#/components/schemas/Error",
        "Already sent, or the request's timeline does not allow a 'sent' event now",
    ),
    "502": _json("#/components/schemas/Error", "The mail server refused or failed"),
}
PATHS["/requests/{request_id}/letters"] = {
    "parameters": [{"name": "request_id", **ID}],
    "get": {
        "summary": "The request's letters, newest first",
        "responses": {"200": {"description": "OK"}, **ERRORS},
    },
    "post": {
        "summary": "Draft and store a letter for the request",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/LetterOptions"}}
            },
        },
        "responses": {"201": _json("#/components/schemas/Letter", "Created"), **ERRORS},
    },
}
SCHEMAS["LetterTextInput"] = input_schema(LetterTextInput)
PATHS["/letters/{letter_id}"] = {
    "parameters": [{"name": "letter_id", **ID}],
    "get": {"summary": "One letter", "responses": {"200": _LETTER, **ERRORS}},
    "patch": {
        "summary": "Replace the letter's text (before it is sent)",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/LetterTextInput"}}
            },
        },
        "responses": {"200": _LETTER, **ERRORS},
    },
}
PATHS["/letters/{letter_id}/send"] = {
    "parameters": [{"name": "letter_id", **ID}],
    "post": {
        "summary": "Email the letter, or record that it went by mail, portal or fax",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "method": {
                                "type": "string",
                                "enum": ["email", "mail", "portal", "fax"],
                            },
                            "to": {"type": "string"},
                            "sent_on": {"type": "string", "format": "date"},
                        },
                    }
                }
            },
        },
        "responses": {"200": _LETTER, **_SEND_ERRORS},
    },
}
PATHS["/letters/{letter_id}/download.{fmt}"] = {
    "parameters": [
        {"name": "letter_id", **ID},
        {
            "name": "fmt",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "enum": ["docx", "txt", "pdf"]},
        },
    ],
    "get": {
        "summary": "The letter as .docx, .txt or PDF (PDF needs LibreOffice: 501 otherwise)",
        "responses": {"200": {"description": "The file"}, **ERRORS},
    },
}
