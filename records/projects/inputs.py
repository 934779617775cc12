"""What a project takes as input, declared once: its limits drive
``records.projects.service.clean_project`` (the page and the API) and the OpenAPI request body.
No Flask, no session."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ProjectInput(BaseModel):
    model_config = ConfigDict(extra="forbid", title="ProjectInput")

    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10000)
