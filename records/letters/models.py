"""Tables for the letters feature: requester profiles, stored letters, org settings, batches."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from records.core.clock import utc_now
from records.core.models import UtcDateTime, _ts


class RequesterProfile(SQLModel, table=True):
    """Who signs letters: one row per user in an org, plus the org default (``user_id`` NULL)."""

    __table_args__ = (UniqueConstraint("org_id", "user_id", name="uq_profile_org_user"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="CASCADE")
    name: str = Field(default="", max_length=200)
    organization: str = Field(default="", max_length=200)
    address: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=50)
    fee_category: str = Field(default="other", max_length=30)
    waiver_justification: str = Field(
        default="", sa_column=Column(Text, nullable=False, default="")
    )
    expedite_justification: str = Field(
        default="", sa_column=Column(Text, nullable=False, default="")
    )
    state: str = Field(default="", max_length=2)
    us_citizen: bool = False
    updated_at: datetime = _ts(onupdate=utc_now)


class StoredLetter(SQLModel, table=True):
    """A drafted letter. ``text`` is the edited text: what is downloaded and what is sent."""

    __table_args__ = (Index("ix_storedletter_request", "request_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    request_id: int = Field(foreign_key="recordrequest.id", ondelete="CASCADE")
    kind: str = Field(default="initial", max_length=20)  # initial | follow_up | appeal
    subject: str = Field(default="", max_length=30)
    items: list[Any] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, default=list)
    )
    variables: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict)
    )
    options: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict)
    )
    law_code: str = Field(default="", max_length=4)
    subject_line: str = Field(default="", max_length=300)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    warnings: list[Any] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, default=list)
    )
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()
    updated_at: datetime = _ts(onupdate=utc_now)
    sent_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    sent_on: date | None = None
    sent_method: str = Field(default="", max_length=10)  # email | mail | portal | fax
    sent_to: str = Field(default="", max_length=254)
    message_id: str = Field(default="", max_length=300)


class OrgLetterSettings(SQLModel, table=True):
    """An organization's template overrides, letterhead, default fee cap and SMTP override."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", unique=True, ondelete="CASCADE")
    overrides: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict)
    )
    letterhead: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    letterhead_name: str = Field(default="", max_length=200)
    default_fee_cap: int = 50
    smtp_host: str = Field(default="", max_length=255)
    smtp_port: int | None = None
    smtp_user: str = Field(default="", max_length=255)
    smtp_password: str = Field(default="", max_length=1000)  # sealed (records.core.secretbox)
    smtp_starttls: bool = False
    mail_from: str = Field(default="", max_length=254)
    updated_at: datetime = _ts(onupdate=utc_now)


class BatchJob(SQLModel, table=True):
    """One draft sent to many agencies; processed in chunks, progress kept here."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    subject: str = Field(default="", max_length=30)
    # The draft's items/variables/options as JSON, the agencies still to do, and the results.
    spec: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict)
    )
    pending: list[Any] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, default=list)
    )
    results: list[Any] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, default=list)
    )
    letter_date: date
    total: int = 0
    done: int = 0
    failed: int = 0
    state: str = Field(default="pending", max_length=10)  # pending | done
    created_at: datetime = _ts()
    finished_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
