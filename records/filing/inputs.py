"""What a filed document's metadata takes as input, declared once: its limits drive
``records.filing.service.clean_meta`` (the upload page, the API and bundle import) and the
OpenAPI upload body. No Flask, no session."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from records.core.choices import Visibility
from records.core.validation import MAX_ID

# One exemption as typed ("(b)(6)", or a state's own wording).
EXEMPTION_MAX = 200
Exemption = Annotated[str, Field(max_length=EXEMPTION_MAX)]


class DocumentMetaInput(BaseModel):
    model_config = ConfigDict(extra="forbid", title="DocumentMetaInput")

    event_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    date_received: date | None = None
    # Comma-separated on a form, a list in JSON.
    exemptions: list[Exemption] = Field(default_factory=list, max_length=30)
    redaction_notes: str | None = Field(default=None, max_length=10000)
    description: str | None = Field(default=None, max_length=10000)
    visibility: Visibility = Visibility.ORGANIZATION
    embargo_until: date | None = None
