"""What an agency entry takes as input, declared once.

The limits written here (lengths, allowed values, what is required) drive every way an agency
comes in: the JSON API and the HTML form (through ``records.directory.service.clean_agency``),
the directory's CSV and ICE 287(g) imports and evidence-bundle import (which call the same
function), and the OpenAPI document (``AgencyInput.model_json_schema``). No Flask, no session.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from records.core.choices import AgencyLevel
from records.core.validation import EMAIL_MAX, JURISDICTIONS, MAX_ID


class AgencyInput(BaseModel):
    """A directory entry as the API, the form and the imports send it (create; an update
    sends any subset of these fields)."""

    model_config = ConfigDict(extra="forbid", title="AgencyInput")

    name: str = Field(min_length=1, max_length=300)
    level: AgencyLevel = AgencyLevel.OTHER
    # Written as a postal code; lower case is accepted and stored upper case.
    jurisdiction: str = Field(json_schema_extra={"enum": list(JURISDICTIONS)})
    parent_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    component: str | None = Field(default=None, max_length=20)
    foia_email: str | None = Field(default=None, max_length=EMAIL_MAX)
    portal_url: str | None = Field(default=None, max_length=500)
    mailing_address: str | None = Field(default=None, max_length=1000)
    phone: str | None = Field(default=None, max_length=50)
    # The asking organization's own notes (kept apart from the shared entry).
    notes: str | None = Field(default=None, max_length=10000)
    source: str | None = Field(default=None, max_length=500)
    last_verified: date | None = None


# The fields as the service names them, in the order the API documents them.
AGENCY_FIELDS = tuple(AgencyInput.model_fields)
