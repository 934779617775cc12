"""What a timeline event takes as input, declared once: its limits drive
``records.lifecycle.service.clean_event`` (the timeline form, the API and bundle import) and the
OpenAPI request body. No Flask, no session."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EventInput(BaseModel):
    model_config = ConfigDict(extra="forbid", title="EventInput")

    type: str = Field(description="what happened (one of the event types)")
    date: dt.date = Field(description="the day it happened (not in the future)")
    note: str | None = Field(default=None, max_length=10000)
    data: dict[str, Any] | None = Field(
        default=None, description="the type's own fields (tracking number, fee, ...)"
    )
    corrects: int | None = Field(
        default=None,
        description="id of an event entered by mistake: this entry replaces it (type and date "
        "optional); the old one stays in the timeline with voided_at set",
    )
