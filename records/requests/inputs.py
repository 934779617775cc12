"""What a records request takes as input, declared once.

The limits written here drive the JSON API and the HTML form (both through
``records.requests.service.clean_request``) and the OpenAPI document
(``RequestInput.model_json_schema``). No Flask, no session.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from records.core.choices import Subject, Visibility
from records.core.validation import MAX_ID


class RequestInput(BaseModel):
    """A request as the API and the form send it (create; an update sends any subset)."""

    model_config = ConfigDict(extra="forbid", title="RequestInput")

    agency_id: int = Field(ge=1, le=MAX_ID)
    subject: Subject = Subject.OTHER
    title: str = Field(min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=50000)
    date_from: date | None = None
    date_to: date | None = None
    tracking_number: str | None = Field(default=None, max_length=100)
    assignee_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    visibility: Visibility = Visibility.ORGANIZATION


EDITABLE = tuple(RequestInput.model_fields)
