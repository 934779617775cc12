"""Tables for the request lifecycle: timeline events and computed deadlines with their history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from records.core.models import UtcDateTime, _ts


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
    data: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict)
    )
    corrects_id: int | None = Field(default=None, foreign_key="event.id", ondelete="SET NULL")
    voided_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    created_at: datetime = _ts()


class Deadline(SQLModel, table=True):
    """One computed clock for a request. The current value has ``superseded_at`` NULL; every
    recomputation that changes it closes the old row (with the reason) and adds a new one."""

    __table_args__ = (
        Index("ix_deadline_request_clock", "request_id", "clock", "superseded_at"),
        Index("ix_deadline_open_due", "state", "due"),  # the sweep: every organization's
        Index("ix_deadline_org_open_due", "org_id", "state", "due"),  # one organization's
    )
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    request_id: int = Field(foreign_key="recordrequest.id", ondelete="CASCADE")
    clock: str = Field(max_length=30)
    due: date | None = None
    statutory: bool = True
    state: str = Field(default="open", max_length=10)  # one of records.lifecycle.clocks.STATES
    answered_on: date | None = None  # when the agency answered (or we filed), late or not
    rule: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    citation: str = Field(default="", max_length=300)
    explanation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    inputs: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict)
    )
    calendar_version: str = Field(default="", max_length=100)
    reason: str = Field(default="", max_length=300)
    computed_at: datetime = _ts()
    superseded_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))


class AgencyClosure(SQLModel, table=True):
    """A day an organization's agency is closed that its law's calendar does not know.

    One of ``on`` (one-off), ``month_day`` ("MM-DD", every year) or ``weekday`` (0 = Monday,
    every week) is set. Visible and editable only by the organization that recorded it.
    """

    __table_args__ = (Index("ix_agencyclosure_agency", "agency_id", "org_id"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    agency_id: int = Field(foreign_key="agency.id", ondelete="CASCADE")
    name: str = Field(max_length=200)
    source: str = Field(max_length=500)
    on: date | None = None
    month_day: str | None = Field(default=None, max_length=5)
    weekday: int | None = None
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()


class StatewideClosure(SQLModel, table=True):
    """A one-off closure of a jurisdiction's offices added by the instance's operator (for
    example a governor's emergency closure), applied to every request under that law."""

    __table_args__ = (Index("ix_statewideclosure_juris_on", "jurisdiction", "on", unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    jurisdiction: str = Field(max_length=4)
    on: date
    name: str = Field(max_length=200)
    source: str = Field(max_length=500)
    created_at: datetime = _ts()
