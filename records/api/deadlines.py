"""The deadline calculator over JSON: the same computation as ``flask deadlines compute``."""

from __future__ import annotations

from typing import Any

from flask import request

from records.api import api_bp
from records.api.errors import ApiError
from records.api.openapi import ERRORS, PATHS, SCHEMAS, _json
from records.clocks import SummaryError, summary


@api_bp.get("/deadlines")
def deadlines() -> Any:
    args = request.args
    try:
        return summary(args.get("law", ""), args.get("start", ""), args.get("component") or None)
    except SummaryError as exc:
        raise ApiError(400, "bad_request", exc.message, exc.field) from None


_DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
SCHEMAS["DeadlineSummary"] = {
    "type": "object",
    "properties": {
        "law": {"type": "string"},
        "start": {"type": "string", "format": "date"},
        "component": {"type": ["string", "null"]},
        "acknowledgment_due": _DATE_OR_NULL,
        "response_due": _DATE_OR_NULL,
        "extended_due": _DATE_OR_NULL,
        "expedited_decision_due": _DATE_OR_NULL,
        "appeal_due": _DATE_OR_NULL,
        "explanations": {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
        "provisional": {"type": "object", "additionalProperties": {"type": "boolean"}},
        "calendar_version": {"type": "string"},
    },
    "required": ["law", "start", "response_due", "appeal_due", "explanations"],
}
PATHS["/deadlines"] = {
    "get": {
        "summary": "Every clock for a law, counting from START (receipt, and determination for "
        "the appeal)",
        "parameters": [
            {"name": "law", "in": "query", "required": True, "schema": {"type": "string"}},
            {
                "name": "start",
                "in": "query",
                "required": True,
                "schema": {"type": "string", "format": "date"},
            },
            {"name": "component", "in": "query", "schema": {"type": "string"}},
        ],
        "responses": {"200": _json("#/components/schemas/DeadlineSummary"), **ERRORS},
    }
}
