"""The OpenAPI 3.1 document. Request bodies and the resources' fields are generated from the
input models (``records.directory.inputs``, ``records.requests.inputs``) that also drive the
server's checks, so a limit is written once."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from records.api import api_bp
from records.directory.inputs import AgencyInput
from records.lifecycle.clocks import STATES
from records.requests.inputs import RequestInput

NULLABLE_STR = {"type": ["string", "null"]}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
NULLABLE_INT = {"type": ["integer", "null"], "minimum": 1}


def _error() -> dict[str, Any]:
    return {
        "description": "Error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _json(ref: str, description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


# Schemas the input models refer to (their enums), gathered into components.schemas.
_DEFS: dict[str, Any] = {}


def input_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON Schema as a create body: its $defs go to components.schemas."""
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    _DEFS.update(schema.pop("$defs", {}))
    return schema


def partial(schema: dict[str, Any]) -> dict[str, Any]:
    """An update body: the same fields, none of them required."""
    return {k: value for k, value in schema.items() if k != "required"}


AGENCY_INPUT = input_schema(AgencyInput)
REQUEST_INPUT = input_schema(RequestInput)
TIMESTAMPS = {
    "id": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"},
}
AGENCY = {
    "type": "object",
    # A shared directory entry; ``notes`` are the asking organization's own.
    "properties": {
        **AGENCY_INPUT["properties"],
        **TIMESTAMPS,
        "created_by_org_id": NULLABLE_INT,
    },
    "required": ["id", "name", "level", "jurisdiction"],
}
REQUEST = {
    "type": "object",
    "properties": {
        **REQUEST_INPUT["properties"],
        **TIMESTAMPS,
        "status": {"type": "string"},
        "law_code": {"type": "string"},
        "created_by": {"type": "integer"},
        "overdue": {"type": "boolean"},
        "deadlines": {"type": "array", "items": {"$ref": "#/components/schemas/Deadline"}},
    },
    "required": ["id", "agency_id", "title", "status", "visibility", "overdue", "deadlines"],
}
DEADLINE = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "due": NULLABLE_DATE,
        "state": {"type": "string", "enum": list(STATES)},
        "answered_on": NULLABLE_DATE,
        "days_late": {"type": ["integer", "null"]},
        "rule": {"type": "string"},
        "citation": {"type": "string"},
        "explanation": {"type": "string"},
        "statutory": {"type": "boolean"},
    },
    "required": ["name", "due", "state", "rule", "citation", "explanation", "statutory"],
}


def _list_of(ref: str, capped: bool = False) -> dict[str, Any]:
    """A page of ``ref``; ``capped`` lists count at most 1,000 rows past the page's offset."""
    out: dict[str, Any] = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": ref}},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
        },
        "required": ["items", "page", "per_page", "total"],
    }
    if capped:
        out["properties"]["total"]["description"] = (
            "Matching rows, counted up to 1,000 past this page's offset (a lower bound when "
            "total_capped is true; ask a later page to count further)."
        )
        out["properties"]["total_capped"] = {
            "type": "boolean",
            "description": "True when more rows match than total.",
        }
        out["required"].append("total_capped")
    return out


PAGING = [
    {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 1000000},
    },
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
    },
]
ID = {"in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
# 413: a JSON body over the input layer's limit (records.core.inputs.MAX_JSON_BYTES).
ERRORS = {
    "400": _error(),
    "401": _error(),
    "403": _error(),
    "404": _error(),
    "413": _error(),
    "422": _error(),
}
PATHS: dict[str, Any] = {
    "/agencies": {
        "get": {
            "summary": "List the agency directory (shared by the instance)",
            "parameters": PAGING
            + [
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                {"name": "level", "in": "query", "schema": {"type": "string"}},
                {"name": "jurisdiction", "in": "query", "schema": {"type": "string"}},
            ],
            "responses": {"200": _json("#/components/schemas/AgencyList"), **ERRORS},
        },
        "post": {
            "summary": "Add an agency (409 when the directory already holds it)",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/AgencyInput"}}
                },
            },
            "responses": {
                "201": _json("#/components/schemas/Agency", "Created"),
                "409": _error(),
                **ERRORS,
            },
        },
    },
    "/agencies/{agency_id}": {
        "parameters": [{"name": "agency_id", **ID}],
        "get": {
            "summary": "One agency",
            "responses": {"200": _json("#/components/schemas/Agency"), **ERRORS},
        },
        "patch": {
            "summary": "Change an agency (kept in its history; notes are the caller's own)",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": partial(AGENCY_INPUT)}},
            },
            "responses": {
                "200": _json("#/components/schemas/Agency"),
                "409": _error(),
                **ERRORS,
            },
        },
    },
    "/requests": {
        "get": {
            "summary": "List requests the caller may see",
            "parameters": PAGING
            + [
                {"name": name, "in": "query", "schema": {"type": "string"}}
                for name in (
                    "status",
                    "agency_id",
                    "jurisdiction",
                    "subject",
                    "assignee_id",
                    "q",
                    "sort",
                    "dir",
                )
            ],
            "responses": {"200": _json("#/components/schemas/RequestList"), **ERRORS},
        },
        "post": {
            "summary": "Create a request",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/RequestInput"}}
                },
            },
            "responses": {"201": _json("#/components/schemas/RecordRequest", "Created"), **ERRORS},
        },
    },
    "/requests/{request_id}": {
        "parameters": [{"name": "request_id", **ID}],
        "get": {
            "summary": "One request",
            "responses": {"200": _json("#/components/schemas/RecordRequest"), **ERRORS},
        },
        "patch": {
            "summary": "Change a request",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": partial(REQUEST_INPUT)}},
            },
            "responses": {"200": _json("#/components/schemas/RecordRequest"), **ERRORS},
        },
        "delete": {
            "summary": "Delete a request",
            "responses": {"204": {"description": "Deleted"}, **ERRORS},
        },
    },
}
SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "field": NULLABLE_STR,
                },
                "required": ["code", "message", "field"],
            }
        },
        "required": ["error"],
    },
    "AgencyInput": AGENCY_INPUT,
    "RequestInput": REQUEST_INPUT,
    "Agency": AGENCY,
    "AgencyList": _list_of("#/components/schemas/Agency"),
    "RecordRequest": REQUEST,
    "Deadline": DEADLINE,
    "RequestList": _list_of("#/components/schemas/RecordRequest", capped=True),
}


def document() -> dict[str, Any]:
    """The OpenAPI document; other modules add their paths to PATHS and SCHEMAS at import."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Records Desk API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {**_DEFS, **SCHEMAS},
        },
        "paths": PATHS,
    }


@api_bp.get("/openapi.json")
def openapi() -> Any:
    return document()
