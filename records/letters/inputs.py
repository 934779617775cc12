"""What editing a letter takes as input, declared once: the text's limit drives
``records.letters.service.update_text`` (the letter page and the API) and the OpenAPI request
body. No Flask, no session."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class LetterTextInput(BaseModel):
    model_config = ConfigDict(extra="forbid", title="LetterTextInput")

    text: str = Field(min_length=1, max_length=200_000, description="the whole letter, edited")
