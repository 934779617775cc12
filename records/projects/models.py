"""Projects: a named group of an organization's requests ("Alabama sheriffs 287(g), 2027")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from records.core.models import _ts


class Project(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_project_org_name"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()


class ProjectRequest(SQLModel, table=True):
    """A request in a project (a request may be in several)."""

    __table_args__ = (UniqueConstraint("project_id", "request_id", name="uq_projectrequest"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    request_id: int = Field(foreign_key="recordrequest.id", index=True, ondelete="CASCADE")
    added_at: datetime = _ts()
