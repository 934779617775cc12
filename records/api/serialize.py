"""Model rows to JSON dicts whose keys match the model's field names."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from records.models import Agency, RecordRequest

AGENCY_KEYS = (
    "id",
    "name",
    "level",
    "jurisdiction",
    "parent_id",
    "component",
    "foia_email",
    "portal_url",
    "mailing_address",
    "phone",
    "notes",
    "source",
    "last_verified",
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
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def agency_json(agency: Agency) -> dict[str, Any]:
    return {key: _value(getattr(agency, key)) for key in AGENCY_KEYS}


def request_json(req: RecordRequest) -> dict[str, Any]:
    return {key: _value(getattr(req, key)) for key in REQUEST_KEYS}
