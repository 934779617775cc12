"""Tables for inbound mail: each organization's mailbox, reply addresses, received messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel

from records.core.models import UtcDateTime, _ts


class InboundMailbox(SQLModel, table=True):
    """An organization's reply mailbox: its address (for reply addresses) and optional IMAP login.

    ``imap_password`` is a sealed token (records.core.secretbox), never the password itself.
    ``uidvalidity``/``last_uid`` remember how far the watched folder has been read.
    """

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", unique=True, ondelete="CASCADE")
    address: str = Field(default="", max_length=254)
    imap_host: str = Field(default="", max_length=255)
    imap_port: int | None = None
    imap_security: str = Field(default="ssl", max_length=10)  # ssl | starttls | none
    imap_user: str = Field(default="", max_length=255)
    imap_password: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    folder: str = Field(default="INBOX", max_length=200)
    done_folder: str = Field(default="", max_length=200)  # empty: flag filed mail instead
    uidvalidity: int | None = None
    last_uid: int = 0
    last_fetch_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    last_error: str = Field(default="", max_length=500)
    updated_at: datetime = _ts()


class ReplyAddress(SQLModel, table=True):
    """The unguessable token in a request's reply address (``box+r12-token@domain``)."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    request_id: int = Field(foreign_key="recordrequest.id", unique=True, ondelete="CASCADE")
    token: str = Field(max_length=40, unique=True)
    created_at: datetime = _ts()


class InboundMessage(SQLModel, table=True):
    """One received email: where it came from, what it matched, and where it was filed.

    ``state``: ``new`` (stored, not yet filed), ``filed``, ``held`` (in the holding pen),
    ``duplicate`` is never stored: a second copy finds the first by ``dedupe_key``.
    ``kind``: ``reply``, ``bounce`` or ``auto_reply``.
    """

    __table_args__ = (Index("ix_inboundmessage_org_state", "org_id", "state", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int | None = Field(
        default=None, foreign_key="organization.id", index=True, ondelete="CASCADE"
    )
    dedupe_key: str = Field(max_length=400, unique=True)
    message_id: str = Field(default="", max_length=300, index=True)
    sha256: str = Field(default="", max_length=64)
    # The raw message while it waits in the holding pen (filed mail lives on as its document;
    # a message over the size limit keeps only its headers and stays in the mailbox).
    raw: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    size: int = 0
    sender: str = Field(default="", max_length=300)
    recipients: str = Field(default="", max_length=1000)
    subject: str = Field(default="", max_length=500)
    received_at: datetime = _ts()
    source: str = Field(default="pipe", max_length=20)  # pipe | imap
    kind: str = Field(default="reply", max_length=20)
    state: str = Field(default="new", max_length=20)
    matched_by: str = Field(
        default="", max_length=20
    )  # token | thread | tracking | sender | member
    request_id: int | None = Field(
        default=None, foreign_key="recordrequest.id", index=True, ondelete="SET NULL"
    )
    candidates: list[Any] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, default=list)
    )
    document_id: int | None = Field(default=None, foreign_key="document.id", ondelete="SET NULL")
    proposal: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict)
    )
    note: str = Field(default="", max_length=1000)  # why it is held, or what a bounce said
    filed_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    filed_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
