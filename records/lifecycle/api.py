"""Timeline events over JSON: record what happened, list the timeline, correct a date."""

from __future__ import annotations

from typing import Any

from flask import g

from records.api import api_bp, json_body
from records.api.errors import ApiError
from records.api.openapi import ERRORS, ID, PATHS, SCHEMAS, _json, input_schema
from records.api.serialize import REQUEST_EXTRAS, request_json
from records.core import validation as v
from records.core.auth import has_role
from records.core.clock import utc_today
from records.core.db import get_session
from records.core.models import RecordRequest, Role
from records.core.validation import ValidationError
from records.lifecycle.clocks import current_deadlines_for, deadline_json
from records.lifecycle.inputs import EventInput
from records.lifecycle.models import Event
from records.lifecycle.service import (
    EVENT_KINDS,
    EventNotAllowed,
    correct_event,
    event_data,
    overdue_from,
    record_event,
    request_events,
)
from records.requests.api import request_or_404


def event_json(event: Event) -> dict[str, Any]:
    """One timeline entry as JSON."""
    kind = EVENT_KINDS.get(event.kind)
    return {
        "id": event.id,
        "type": event.kind,
        "label": kind.label if kind else event.kind,
        "direction": kind.direction if kind else "",
        "date": event.on.isoformat(),
        "note": event.note,
        "data": event_data(event),
        "actor_id": event.actor_id,
        "corrects_id": event.corrects_id,
        "voided_at": event.voided_at.isoformat() if event.voided_at else None,
        "created_at": event.created_at.isoformat(),
    }


def lifecycle_extras(reqs: list[RecordRequest]) -> dict[int, dict[str, Any]]:
    """The ``overdue`` flag and the current ``deadlines`` added to requests' JSON (one query)."""
    by_request = current_deadlines_for(get_session(), [r.id for r in reqs])
    now = utc_today()
    return {
        req.id: {
            "overdue": overdue_from(req, by_request.get(req.id, []), now),
            "deadlines": [deadline_json(d) for d in by_request.get(req.id, [])],
        }
        for req in reqs
    }


REQUEST_EXTRAS.append(lifecycle_extras)


def _editor() -> None:
    if not has_role(Role.EDITOR):
        raise ApiError(403, "forbidden", "this action needs the editor role")


def _not_allowed(exc: EventNotAllowed) -> ApiError:
    return ApiError(409, "event_not_allowed", str(exc))


@api_bp.get("/requests/<int:request_id>/events")
def list_events(request_id: int) -> Any:
    req = request_or_404(request_id)
    events = request_events(get_session(), req.id)
    return {"items": [event_json(e) for e in events], "status": req.status}


@api_bp.post("/requests/<int:request_id>/events")
def create_event(request_id: int) -> Any:
    req = request_or_404(request_id)
    _editor()
    body = json_body()
    unknown = set(body) - {"type", "date", "note", "data", "corrects"}
    if unknown:
        raise ValidationError(sorted(unknown)[0], f"unknown field {sorted(unknown)[0]!r}")
    data = body.get("data")
    if data is not None and not isinstance(data, dict):
        raise ValidationError("data", "data must be an object")
    if body.get("corrects") is not None:
        return _correct(req, body, data)
    kind = body.get("type")
    if kind not in EVENT_KINDS:
        raise ValidationError("type", f"type must be one of: {', '.join(EVENT_KINDS)}")
    on = v.iso_date(body.get("date"), "date", required=True)
    note = v.text(body.get("note"), "note", max_len=10000)
    db = get_session()
    try:
        event = record_event(db, req, kind, on, actor_id=g.api_user.id, note=note, data=data)
    except EventNotAllowed as exc:
        db.rollback()
        raise _not_allowed(exc) from None
    db.commit()
    return {**request_json(req), "event": event_json(event)}, 201


def _correct(req: RecordRequest, body: dict[str, Any], data: dict[str, Any] | None) -> Any:
    """``corrects``: replace that event (its date, note or data); the old one stays, voided."""
    event_id = v.integer(body.get("corrects"), "corrects", required=True)
    db = get_session()
    event = db.get(Event, event_id)
    if event is None or event.request_id != req.id:
        raise ValidationError("corrects", f"event {event_id} is not on this request")
    if body.get("type") not in (None, event.kind):
        raise ValidationError("type", "a correction keeps the event's type; record a new event")
    on = v.iso_date(body.get("date"), "date")
    note = v.text(body["note"], "note", max_len=10000) if "note" in body else None
    try:
        new = correct_event(db, event, on=on, note=note, actor_id=g.api_user.id, data=data)
    except EventNotAllowed as exc:
        db.rollback()
        raise _not_allowed(exc) from None
    db.commit()
    return {**request_json(req), "event": event_json(new)}, 201


EVENT_INPUT = input_schema(EventInput)
EVENT_INPUT["properties"]["type"]["enum"] = list(EVENT_KINDS)
SCHEMAS["EventInput"] = EVENT_INPUT
SCHEMAS["Event"] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "type": {"type": "string"},
        "label": {"type": "string"},
        "direction": {"type": "string", "enum": ["outgoing", "incoming"]},
        "date": {"type": "string", "format": "date"},
        "note": {"type": "string"},
        "data": {"type": "object"},
        "actor_id": {"type": ["integer", "null"]},
        "corrects_id": {"type": ["integer", "null"]},
        "voided_at": {"type": ["string", "null"], "format": "date-time"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}
SCHEMAS["EventList"] = {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
        "status": {"type": "string"},
    },
}
CONFLICT = {"409": ERRORS["404"]}
PATHS["/requests/{request_id}/events"] = {
    "parameters": [{"name": "request_id", **ID}],
    "get": {
        "summary": "The request's timeline (corrected entries included, with voided_at set)",
        "responses": {"200": _json("#/components/schemas/EventList"), **ERRORS},
    },
    "post": {
        "summary": "Record what happened (or correct an event with corrects); returns the "
        "request with its new status and clocks",
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/EventInput"}}
            },
        },
        "responses": {
            "201": _json("#/components/schemas/RecordRequest", "Recorded"),
            **ERRORS,
            **CONFLICT,
        },
    },
}
