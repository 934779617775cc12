"""The one table of report cards: each request's answering figures, kept up to date incrementally.

A row is rewritten whenever the request's clocks are recomputed (every event recorded, corrected
or imported, every closure change), so a report card is a plain indexed aggregate over these rows
and the current ``Deadline`` rows, never a replay of every timeline.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


class RequestFigure(SQLModel, table=True):
    """How one request has been answered so far; days are counted as the deadlines count them."""

    # Derived from the events and clocks, which the audit trail already records.
    __audit__ = False

    request_id: int = Field(primary_key=True, foreign_key="recordrequest.id", ondelete="CASCADE")
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    received_on: date  # the day the request counts as received (the law's receipt rules)
    received_year: int = Field(index=True)
    acknowledged_on: date | None = None  # the agency's first reply of any kind
    answered_on: date | None = None  # the final answer (full, partial, no records or denial)
    ack_calendar_days: int | None = None
    ack_business_days: int | None = None
    answer_calendar_days: int | None = None
    answer_business_days: int | None = None
    # full | partial | no_records | denied | withdrawn, or "" while there is none
    outcome: str = Field(default="", max_length=20)
    exemptions: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    appeal_filed_on: date | None = None
    appeal_outcome: str = Field(default="", max_length=20)
    fee_asked_cents: int | None = None  # the largest fee estimate received
