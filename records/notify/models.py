"""Tables for reminders and notifications: the database is the schedule (see records/notify/service.py)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from records.core.models import UtcDateTime, _ts

# Reminder rows still waiting for delivery; the sweep reads only these, through this index.
_PENDING = text("delivered_at IS NULL AND cancelled_at IS NULL")
_DIGEST = text("kind = 'digest'")
_FOLLOWUP = text("kind = 'followup'")


class Reminder(SQLModel, table=True):
    """One reminder for one user about one due date; delivered once, retried until it is."""

    __table_args__ = (
        UniqueConstraint("request_id", "clock", "due", "kind", "user_id", name="uq_reminder_key"),
        # Digests have no request; one per user, organization and week (``due`` is the Monday).
        Index(
            "uq_reminder_digest",
            "org_id",
            "user_id",
            "due",
            unique=True,
            sqlite_where=_DIGEST,
            postgresql_where=_DIGEST,
        ),
        # A register follow-up's reminder has no request either; its clock names the follow-up.
        Index(
            "uq_reminder_followup",
            "user_id",
            "clock",
            "due",
            unique=True,
            sqlite_where=_FOLLOWUP,
            postgresql_where=_FOLLOWUP,
        ),
        Index(
            "ix_reminder_pending",
            "next_attempt_at",
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        ),
        Index("ix_reminder_org_user", "org_id", "user_id", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    request_id: int | None = Field(default=None, foreign_key="recordrequest.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    clock: str = Field(max_length=30)
    due: date
    kind: str = Field(max_length=10)  # before | on_day | passed | digest | followup
    send_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    next_attempt_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
    attempts: int = 0
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    delivered_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    outcome: str = Field(default="", max_length=300)  # why it was cancelled, or how it went out
    message_id: str = Field(default="", max_length=300)
    created_at: datetime = _ts()


class Notification(SQLModel, table=True):
    """An in-app inbox row. A reminder makes at most one (unique ``reminder_id``)."""

    # Not audited: a machine-written copy of what one member could see when it was sent (a
    # digest names several requests), which the audit trail must not replay to owners.
    __audit__ = False
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "org_id", "read_at", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    request_id: int | None = Field(default=None, foreign_key="recordrequest.id", ondelete="CASCADE")
    reminder_id: int | None = Field(
        default=None, foreign_key="reminder.id", unique=True, ondelete="SET NULL"
    )
    kind: str = Field(max_length=10)
    title: str = Field(max_length=300)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    url: str = Field(default="", max_length=500)
    read_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    created_at: datetime = _ts()


class ReminderPreference(SQLModel, table=True):
    """Reminder settings: the organization default (``user_id`` NULL) or one user's override."""

    __table_args__ = (
        UniqueConstraint("org_id", "user_id", name="uq_reminderpref_org_user"),
        Index(
            "uq_reminderpref_org_default",
            "org_id",
            unique=True,
            sqlite_where=text("user_id IS NULL"),
            postgresql_where=text("user_id IS NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="CASCADE")
    days_before: int = 3  # business days, counted with the request's law calendar
    on_day: bool = True
    when_passed: bool = True
    weekly_digest: bool = True
    email: bool = True
    scope: str = Field(default="mine", max_length=10)  # mine | all (every non-private request)
    updated_at: datetime = _ts()


class CalendarFeed(SQLModel, table=True):
    """A secret calendar URL for one user (``user_id``) or the whole organization (NULL)."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="CASCADE")
    created_by: int = Field(foreign_key="user.id", ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12)
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    created_at: datetime = _ts()


class SchedulerHeartbeat(SQLModel, table=True):
    """When the scheduler last ticked, and which process did it (read by the health check)."""

    name: str = Field(primary_key=True, max_length=40)
    worker_id: str = Field(default="", max_length=100)
    beat_at: datetime = Field(sa_column=Column(UtcDateTime(), nullable=False))
