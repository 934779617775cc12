"""Tables for the request lifecycle: timeline events and computed deadlines with their history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from records.models import UtcDateTime, _ts


class Event(SQLModel, table=True):
    """Something that happened to a request. Corrections add a new row pointing at the old one."""

    __table_args__ = (Index("ix_event_request_on", "request_id", "on", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    request_id: int = Field(foreign_key="recordrequest.id", ondelete="CASCADE")
    kind: str = Field(max_length=40)
    on: date
    actor_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))  # JSON
    corrects_id: int | None = Field(default=None, foreign_key="event.id", ondelete="SET NULL")
    voided_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    created_at: datetime = _ts()


class Deadline(SQLModel, table=True):
    """One computed clock for a request. The current value has ``superseded_at`` NULL; every
    recomputation that changes it closes the old row (with the reason) and adds a new one."""

    __table_args__ = (
        Index("ix_deadline_request_clock", "request_id", "clock", "superseded_at"),
        Index("ix_deadline_open_due", "state", "due"),
    )
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    request_id: int = Field(foreign_key="recordrequest.id", ondelete="CASCADE")
    clock: str = Field(max_length=30)
    due: date | None = None
    statutory: bool = True
    state: str = Field(default="open", max_length=10)  # one of records.clocks.STATES
    answered_on: date | None = None  # when the agency answered (or we filed), late or not
    rule: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    citation: str = Field(default="", max_length=300)
    explanation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    inputs: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))  # JSON
    calendar_version: str = Field(default="", max_length=100)
    reason: str = Field(default="", max_length=300)
    computed_at: datetime = _ts()
    superseded_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
