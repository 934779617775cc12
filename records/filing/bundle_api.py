"""Evidence bundles over JSON: download a request's bundle, import one into the caller's org."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request

from records.api import api_bp
from records.api.errors import ApiError
from records.api.openapi import ERRORS, ID, PATHS
from records.core.auth import current_org_id
from records.core.clock import utc_today
from records.core.db import get_session
from records.core.models import Role
from records.core.storage_local import get_storage
from records.filing import bundle
from records.requests.api import _require
from records.requests.api import request_or_404 as api_request_or_404


@api_bp.get("/requests/<int:request_id>/bundle")
def export_bundle(request_id: int) -> Any:
    req = api_request_or_404(request_id)
    return bundle.export_response(get_session(), get_storage(current_app), req, g.api_user.id)


@api_bp.post("/bundles")
def import_bundle() -> Any:
    org_id = current_org_id()
    _require(Role.EDITOR)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(422, "required", "send the bundle as multipart form field 'file'", "file")
    db = get_session()
    req = bundle.import_upload(
        db,
        get_storage(current_app),
        org_id,
        g.api_user.id,
        upload.stream,
        max_bytes=current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024,
        today=utc_today(),
    )
    db.commit()
    return {"request_id": req.id, "title": req.title, "status": req.status}, 201


PATHS["/requests/{request_id}/bundle"] = {
    "parameters": [{"name": "request_id", **ID}],
    "get": {
        "summary": "The request as an evidence bundle (ZIP with manifest.json and timeline.csv)",
        "responses": {
            "200": {
                "description": "The bundle",
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
            },
            **ERRORS,
        },
    },
}
PATHS["/bundles"] = {
    "post": {
        "summary": "Import an evidence bundle as a new request in the caller's organization",
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"file": {"type": "string", "format": "binary"}},
                        "required": ["file"],
                    }
                }
            },
        },
        "responses": {
            "201": {
                "description": "Imported",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "request_id": {"type": "integer"},
                                "title": {"type": "string"},
                                "status": {"type": "string"},
                            },
                        }
                    }
                },
            },
            **ERRORS,
        },
    }
}
