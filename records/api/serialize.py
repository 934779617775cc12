"""Model rows to JSON dicts whose keys match the model's field names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from records.core.models import Agency, RecordRequest
from records.directory.service import AGENCY_FIELDS

AGENCY_KEYS = (
    "id",
    *(f for f in AGENCY_FIELDS if f != "notes"),
    "last_verified",
    "created_by_org_id",
    "created_at",
    "updated_at",
)
REQUEST_KEYS = (
    "id",
    "agency_id",
    "subject",
    "title",
    "description",
    "date_from",
    "date_to",
    "tracking_number",
    "assignee_id",
    "visibility",
    "status",
    "law_code",
    "created_by",
    "created_at",
    "updated_at",
)


def _value(value: Any) -> Any:
    if isinstance(value, date):  # datetimes too: the column type makes them aware UTC
        return value.isoformat()
    return value


def agency_json(agency: Agency, notes: str = "") -> dict[str, Any]:
    """A shared directory entry, with the asking organization's own ``notes`` on it."""
    return {key: _value(getattr(agency, key)) for key in AGENCY_KEYS} | {"notes": notes}


# Features add keys to the request JSON (e.g. lifecycle: ``overdue`` and ``deadlines``). Each
# extra takes a page of requests at once and returns {request id: extra keys}, so a list costs
# one query per feature, not one per row.
REQUEST_EXTRAS: list[Callable[[list[RecordRequest]], dict[int, dict[str, Any]]]] = []


def requests_json(reqs: list[RecordRequest]) -> list[dict[str, Any]]:
    out = [{key: _value(getattr(req, key)) for key in REQUEST_KEYS} for req in reqs]
    for extra in REQUEST_EXTRAS:
        added = extra(reqs)
        for row in out:
            row.update(added.get(row["id"], {}))
    return out


def request_json(req: RecordRequest) -> dict[str, Any]:
    return requests_json([req])[0]
