"""Tables for operations: the append-only audit log (written by records/core/audit.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from records.core.models import UtcDateTime


class AuditLog(SQLModel, table=True):
    """One insert, update or delete of an organization-owned row: who, when, from where, what.

    ``org_id`` and ``actor_id`` are plain integers, not foreign keys, so the trail outlives the
    organization or user it describes and no cascade can ever delete audit rows.
    """

    __tablename__ = "auditlog"
    __table_args__ = (
        Index("ix_auditlog_org_at", "org_id", "at", "id"),
        Index("ix_auditlog_object", "object_type", "object_id"),
    )
    __audit__ = False

    id: int | None = Field(default=None, primary_key=True)
    org_id: int | None = Field(default=None)
    actor_id: int | None = Field(default=None)
    ip: str = Field(default="", max_length=64)
    at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    action: str = Field(max_length=20)
    object_type: str = Field(max_length=60)
    object_id: str = Field(default="", max_length=100)
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
