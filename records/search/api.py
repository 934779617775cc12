"""Full-text search over JSON: only what the caller may see."""

from __future__ import annotations

from typing import Any

from flask import g, request

from records.api import api_bp
from records.api.openapi import ERRORS, PATHS, SCHEMAS, _json
from records.core.auth import current_org_id
from records.core.db import get_session
from records.search import query as search
from records.search.views import parse_search_args


@api_bp.get("/search")
def search_api() -> Any:
    query, filters, page = parse_search_args(request.args)
    per = 20
    hits = search.search(
        get_session(),
        query,
        search.Scope.member(current_org_id(), g.api_user.id),
        filters,
        limit=per,
        offset=(page - 1) * per,
    )
    return {
        "q": query,
        "page": page,
        "items": [
            {
                "kind": h.kind,
                "id": h.item_id,
                "request_id": h.request_id,
                "title": h.title,
                "agency": h.agency,
                "jurisdiction": h.jurisdiction,
                "snippet_html": str(h.snippet),
            }
            for h in hits
        ],
    }


SCHEMAS["SearchResults"] = {
    "type": "object",
    "properties": {
        "q": {"type": "string"},
        "page": {"type": "integer"},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": list(search.KINDS)},
                    "id": {"type": "integer"},
                    "request_id": {"type": ["integer", "null"]},
                    "title": {"type": "string"},
                    "agency": {"type": "string"},
                    "jurisdiction": {"type": "string"},
                    "snippet_html": {"type": "string"},
                },
            },
        },
    },
    "required": ["q", "page", "items"],
}
PATHS["/search"] = {
    "get": {
        "summary": "Search the organization's requests and documents",
        "parameters": [
            {"name": name, "in": "query", "schema": {"type": "string"}}
            for name in (
                "q",
                "kind",
                "agency_id",
                "jurisdiction",
                "subject",
                "status",
                "date_from",
                "date_to",
                "page",
            )
        ],
        "responses": {"200": _json("#/components/schemas/SearchResults"), **ERRORS},
    }
}
