"""SQLModel tables. Every organization-owned row carries ``org_id``; queries filter on it.

The agency directory is the exception: agencies are shared by the whole instance.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from records.core.choices import SUBJECT_LABELS as SUBJECT_LABELS
from records.core.choices import AgencyLevel as AgencyLevel
from records.core.choices import Subject as Subject
from records.core.choices import Visibility as Visibility
from records.core.clock import utc_now


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware, on every database.

    PostgreSQL keeps the offset; SQLite stores the UTC wall time as text and returns it naive,
    which would break every ``date-time`` in the API and make naive/aware comparisons raise.
    Values are converted to UTC on the way in (a naive value is taken to be UTC already).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        """Store UTC: SQLite keeps no offset, so a non-UTC wall time would be misread."""
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"a timestamp must be a datetime, not {type(value).__name__}")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Attach UTC (SQLite) or convert to it (PostgreSQL's session time zone)."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utc_now, sa_column=Column(UtcDateTime(), nullable=False, **kw))


class Role(enum.StrEnum):
    OWNER = "owner"
    EDITOR = "editor"
    VIEWER = "viewer"


class OrgKind(enum.StrEnum):
    NEWSROOM = "newsroom"
    CLINIC = "clinic"
    ADVOCACY = "advocacy"
    OTHER = "other"


class Organization(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    kind: str = Field(default=OrgKind.NEWSROOM, max_length=20)
    created_at: datetime = _ts()


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=200)
    # Bumped on logout, password change or removal: every older session and token stops working.
    session_version: int = Field(default=1)
    created_at: datetime = _ts()
    # The address this user last reached the app at: links in their reminder emails when
    # BASE_URL is not set (records.core.links).
    last_seen_url: str = Field(default="", max_length=300)

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("org_id", "user_id"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    role: str = Field(default=Role.VIEWER, max_length=10)
    created_at: datetime = _ts()


class Invite(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    role: str = Field(default=Role.VIEWER, max_length=10)
    created_by: int = Field(foreign_key="user.id")
    expires_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    used_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    created_at: datetime = _ts()


class ApiToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    name: str = Field(default="", max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12)
    session_version: int
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    created_at: datetime = _ts()


class LoginAttempt(SQLModel, table=True):
    """Failed logins, counted per email and address for rate limiting across workers."""

    __table_args__ = (Index("ix_loginattempt_key_at", "key", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300)
    at: datetime = _ts()


class Agency(SQLModel, table=True):
    """An office in the directory every organization on the instance shares.

    ``name_key`` is the normalized name duplicates are found by (``records.directory.service``); who
    added the entry and from where is kept (``created_by*``, ``source``), each edit in
    ``AgencyRevision``. What an organization writes about an agency is private: ``AgencyNote``.
    """

    __table_args__ = (
        Index("ix_agency_key_juris", "name_key", "jurisdiction"),
        Index("ix_agency_name", "name"),
        # The directory's list order; also serves a filter on the jurisdiction alone.
        Index("ix_agency_juris_name", "jurisdiction", "name"),
    )
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=300)
    name_key: str = Field(default="", max_length=300)
    level: str = Field(default=AgencyLevel.OTHER, max_length=20)
    jurisdiction: str = Field(max_length=2)
    parent_id: int | None = Field(default=None, foreign_key="agency.id", ondelete="SET NULL")
    component: str = Field(default="", max_length=20)
    foia_email: str = Field(default="", max_length=254)
    portal_url: str = Field(default="", max_length=500)
    mailing_address: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    phone: str = Field(default="", max_length=50)
    source: str = Field(default="", max_length=500)
    last_verified: date | None = None
    created_by_org_id: int | None = Field(
        default=None, foreign_key="organization.id", ondelete="SET NULL"
    )
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()
    updated_at: datetime = _ts(onupdate=utc_now)


class AgencyNote(SQLModel, table=True):
    """One organization's private notes on a shared agency (never shown to another)."""

    __table_args__ = (UniqueConstraint("org_id", "agency_id", name="uq_agencynote_org_agency"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    agency_id: int = Field(foreign_key="agency.id", index=True, ondelete="CASCADE")
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    updated_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_at: datetime = _ts(onupdate=utc_now)


class AgencyRevision(SQLModel, table=True):
    """One change to a shared agency: who, from which organization, when, old and new values."""

    __table_args__ = (Index("ix_agencyrevision_agency_at", "agency_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", ondelete="CASCADE")
    org_id: int | None = Field(default=None, foreign_key="organization.id", ondelete="SET NULL")
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    action: str = Field(max_length=20)  # create | edit | import | merge
    # {"field": [old, new], ...} as JSON; a merge names the entry merged in.
    changes: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict)
    )
    at: datetime = _ts()


class RecordRequest(SQLModel, table=True):
    __table_args__ = (
        # The list's default order; the visibility columns ride along so the rows a member may
        # not see are skipped inside the index (deep pages and counts never touch the table).
        Index(
            "ix_request_org_updated",
            "org_id",
            "updated_at",
            "id",
            "visibility",
            "created_by",
            "assignee_id",
        ),
        Index("ix_request_org_visible", "org_id", "visibility", "created_by", "assignee_id"),
        # A status's requests, most recently updated first (the dashboard's "waiting on us"),
        # and its count (visibility columns again ride along: the count stays in the index).
        Index(
            "ix_request_org_status_updated",
            "org_id",
            "status",
            "updated_at",
            "visibility",
            "created_by",
            "assignee_id",
        ),
        Index("ix_request_org_agency", "org_id", "agency_id"),
        Index("ix_request_visibility", "visibility", "id"),
        # An agency's requests; with the visibility the public archive's "has a public
        # request" probe stays inside the index.
        Index("ix_request_agency_visibility", "agency_id", "visibility"),
    )
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    agency_id: int = Field(foreign_key="agency.id")
    created_by: int = Field(foreign_key="user.id")
    assignee_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    subject: str = Field(default=Subject.OTHER, max_length=20)
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    date_from: date | None = None
    date_to: date | None = None
    tracking_number: str = Field(default="", max_length=100)
    visibility: str = Field(default=Visibility.ORGANIZATION, max_length=20)
    status: str = Field(default="draft", max_length=30)
    law_code: str = Field(default="", max_length=4)
    created_at: datetime = _ts()
    updated_at: datetime = _ts(onupdate=utc_now)
