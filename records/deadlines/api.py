"""The deadline calculator over JSON: the same computation as ``flask deadlines compute``."""

from __future__ import annotations

from typing import Any

from flask import request

from records.api import api_bp
from records.api.errors import ApiError
from records.api.openapi import ERRORS, PATHS, SCHEMAS, _json
from records.deadlines.engine import SUMMARY_KEYS
from records.lifecycle.clocks import SummaryError, summary


@api_bp.get("/deadlines")
def deadlines() -> Any:
    from records.core.db import get_session
    from records.deadlines.closures import statewide_for

    args = request.args
    try:
        return summary(
            args.get("law", ""),
            args.get("start", ""),
            args.get("component") or None,
            sent=args.get("sent") or None,
            channel=args.get("channel") or None,
            after_hours=args.get("after_hours", "") in ("1", "true", "yes"),
            closures=statewide_for(get_session(), args.get("law", "")),
        )
    except SummaryError as exc:
        raise ApiError(400, "bad_request", exc.message, exc.field) from None


_DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}
SCHEMAS["DeadlineSummary"] = {
    "type": "object",
    "properties": {
        "law": {"type": "string"},
        "start": {"type": "string", "format": "date"},
        "component": {"type": ["string", "null"]},
        "sent": _DATE_OR_NULL,
        "channel": {"type": ["string", "null"]},
        "receipt": {"type": ["string", "null"]},
        "version": {"type": ["string", "null"]},
        "version_note": {"type": ["string", "null"]},
        # One date per clock the engine computes, null where the law has no such clock.
        **{key: _DATE_OR_NULL for key in SUMMARY_KEYS},
        "explanations": {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
        "provisional": {"type": "object", "additionalProperties": {"type": "boolean"}},
        "conditions": {"type": "object", "additionalProperties": {"type": ["string", "null"]}},
        "calendar_version": {"type": "string"},
    },
    "required": ["law", "start", *SUMMARY_KEYS, "explanations", "provisional", "conditions"],
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
                "description": "Receipt date; required unless sent is given",
                "schema": {"type": "string", "format": "date"},
            },
            {
                "name": "sent",
                "in": "query",
                "description": "The day the request was sent; the law's receipt rule for the "
                "channel gives the receipt date",
                "schema": {"type": "string", "format": "date"},
            },
            {
                "name": "channel",
                "in": "query",
                "schema": {"type": "string", "enum": ["email", "portal", "fax", "mail", "hand"]},
            },
            {"name": "after_hours", "in": "query", "schema": {"type": "boolean"}},
            {"name": "component", "in": "query", "schema": {"type": "string"}},
        ],
        "responses": {"200": _json("#/components/schemas/DeadlineSummary"), **ERRORS},
    }
}
