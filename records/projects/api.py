"""Projects over JSON: list, create, one project's progress, add requests."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlmodel import col, select

from records.access.visibility import Viewer, where
from records.api import api_bp, json_body
from records.api.errors import ApiError
from records.api.openapi import ERRORS, ID, PATHS, SCHEMAS, _json, input_schema
from records.core import validation as v
from records.core.auth import current_org_id
from records.core.clock import utc_today
from records.core.db import get_session
from records.core.models import RecordRequest, Role
from records.projects import service as projects
from records.projects.inputs import ProjectInput
from records.projects.models import Project
from records.requests.api import _require


def _viewer() -> Viewer:
    return Viewer.member(current_org_id(), g.api_user.id)


def _project_or_404(project_id: int) -> Project:
    project = projects.project_of(get_session(), current_org_id(), project_id)
    if project is None:
        raise ApiError(404, "not_found", f"project {project_id} not found")
    return project


def _summary(project: Project, n: int) -> dict[str, Any]:
    return {
        "id": project.id,
        "name": project.name,
        "description": project.description,
        "requests": n,
        "created_at": project.created_at.isoformat(),
    }


@api_bp.get("/projects")
def list_projects() -> Any:
    rows = projects.summaries(get_session(), current_org_id(), _viewer())
    return {"items": [_summary(p, n) for p, n in rows], "total": len(rows)}


@api_bp.post("/projects")
def create_project() -> Any:
    _require(Role.EDITOR)
    db = get_session()
    project = projects.create_project(db, current_org_id(), g.api_user.id, json_body())
    db.commit()
    return _summary(project, 0), 201


def _detail(project: Project) -> dict[str, Any]:
    progress = projects.progress(get_session(), project, _viewer(), utc_today())
    return _summary(project, progress.total) | {
        "request_ids": [r.id for r, _a in progress.rows],
        "by_status": dict(progress.by_status),
        "overdue": progress.overdue,
        "next_deadlines": [
            {"request_id": r.id, "due": d.due.isoformat(), "clock": d.clock}
            for r, d in progress.upcoming[:10]
        ],
    }


@api_bp.get("/projects/<int:project_id>")
def get_project(project_id: int) -> Any:
    return _detail(_project_or_404(project_id))


@api_bp.post("/projects/<int:project_id>/requests")
def add_project_requests(project_id: int) -> Any:
    project = _project_or_404(project_id)
    _require(Role.EDITOR)
    body = json_body()
    raw = body.get("request_ids")
    if set(body) - {"request_ids"} or not isinstance(raw, list) or not raw or len(raw) > 500:
        raise v.ValidationError("request_ids", "request_ids must be a list of 1 to 500 ids")
    ids = [v.integer(i, "request_ids", required=True) for i in raw]
    db = get_session()
    visible = list(
        db.exec(
            select(RecordRequest).where(
                col(RecordRequest.id).in_(ids), where(RecordRequest, _viewer())
            )
        ).all()
    )
    if len(visible) != len(set(ids)):
        raise ApiError(404, "not_found", "some of these requests were not found")
    added = projects.add_requests(db, project, visible, g.api_user.id)
    db.commit()
    return _detail(project) | {"added": added}


SCHEMAS["Project"] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "requests": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "request_ids": {"type": "array", "items": {"type": "integer"}},
        "by_status": {"type": "object", "additionalProperties": {"type": "integer"}},
        "overdue": {"type": "integer"},
        "next_deadlines": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["id", "name", "requests"],
}
SCHEMAS["ProjectInput"] = input_schema(ProjectInput)
PATHS["/projects"] = {
    "get": {
        "summary": "The organization's projects (requests counted as the caller sees them)",
        "responses": {
            "200": {
                "description": "OK",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "items": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Project"},
                                },
                                "total": {"type": "integer"},
                            },
                        }
                    }
                },
            },
            **ERRORS,
        },
    },
    "post": {
        "summary": "Create a project",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ProjectInput"}}
            },
        },
        "responses": {"201": _json("#/components/schemas/Project", "Created"), **ERRORS},
    },
}
PATHS["/projects/{project_id}"] = {
    "parameters": [{"name": "project_id", **ID}],
    "get": {
        "summary": "A project: its requests, counts by status, next deadlines",
        "responses": {"200": _json("#/components/schemas/Project"), **ERRORS},
    },
}
PATHS["/projects/{project_id}/requests"] = {
    "parameters": [{"name": "project_id", **ID}],
    "post": {
        "summary": "Add requests to a project",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "request_ids": {
                                "type": "array",
                                "items": {"type": "integer", "minimum": 1},
                                "minItems": 1,
                                "maxItems": 500,
                            }
                        },
                        "required": ["request_ids"],
                    }
                }
            },
        },
        "responses": {"200": _json("#/components/schemas/Project"), **ERRORS},
    },
}
