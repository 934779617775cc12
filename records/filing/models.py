"""Tables for filing: stored blobs, documents, proposed events from email, embargoes, search index."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import DDL, JSON, Column, Index, Text, event
from sqlmodel import Field, SQLModel

from records.core.models import UtcDateTime, _ts


class TextStatus:
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    NO_TEXT_LAYER = "no_text_layer"
    FAILED = "failed"


class StoredFile(SQLModel, table=True):
    """One blob in storage, named by its SHA-256; documents point at it (deduplicated)."""

    sha256: str = Field(primary_key=True, max_length=64)
    size: int
    mime: str = Field(max_length=120)
    created_at: datetime = _ts()


class Document(SQLModel, table=True):
    """A file an agency sent (or a letter we sent), filed against a request."""

    __table_args__ = (
        Index("ix_document_request", "request_id", "id"),
        Index("ix_document_text_status", "text_status", "id"),
        Index("ix_document_embargo", "embargo_until"),
    )
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    request_id: int = Field(foreign_key="recordrequest.id", ondelete="CASCADE")
    event_id: int | None = Field(default=None, foreign_key="event.id", ondelete="SET NULL")
    sha256: str = Field(foreign_key="storedfile.sha256", max_length=64, index=True)
    name: str = Field(max_length=255)
    mime: str = Field(max_length=120)
    size: int
    pages: int | None = None
    # Where it came from: "upload", "zip:<archive name>", "email:<message file>", "bundle".
    source: str = Field(default="upload", max_length=300)
    date_received: date | None = None
    exemptions: list[Any] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, default=list)
    )
    redaction_notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    visibility: str = Field(default="organization", max_length=20)
    embargo_until: date | None = None
    published_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    text_status: str = Field(default=TextStatus.PENDING, max_length=20)
    text_progress: int = 0  # percent
    text_error: str = Field(default="", max_length=500)
    text_claimed_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()


class ProposedEvent(SQLModel, table=True):
    """An event read from an imported email, waiting for a person to confirm or dismiss it."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    request_id: int = Field(foreign_key="recordrequest.id", index=True, ondelete="CASCADE")
    document_id: int | None = Field(default=None, foreign_key="document.id", ondelete="SET NULL")
    kind: str = Field(max_length=40)
    on: date
    sender: str = Field(default="", max_length=300)
    subject: str = Field(default="", max_length=500)
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    state: str = Field(default="proposed", max_length=20)  # proposed | confirmed | dismissed
    # Event data read from the email (tracking number, new due date, amount, exemptions...).
    data: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict)
    )
    event_id: int | None = Field(default=None, foreign_key="event.id", ondelete="SET NULL")
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()

    def read_values(self) -> dict[str, object]:
        """The values read from the email (``data``), for showing; {} when unreadable."""
        value = self.data
        return dict(value) if isinstance(value, dict) else {}


class RequestEmbargo(SQLModel, table=True):
    """A request that becomes public on a date (the request table itself has no embargo column)."""

    request_id: int = Field(primary_key=True, foreign_key="recordrequest.id", ondelete="CASCADE")
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    embargo_until: date = Field(index=True)
    published_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime()))


class SharingNote(SQLModel, table=True):
    """A timeline line written by the sharing feature (for example: published when the embargo ended)."""

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    request_id: int = Field(foreign_key="recordrequest.id", index=True, ondelete="CASCADE")
    document_id: int | None = Field(default=None, foreign_key="document.id", ondelete="CASCADE")
    on: date
    note: str = Field(max_length=500)
    created_at: datetime = _ts()


class SearchEntry(SQLModel, table=True):
    """One searchable item (request, document, letter, event or agency), written only by
    ``records.search.index``. SQLite mirrors it into FTS5 by triggers; PostgreSQL adds a stored,
    generated ``tsv`` column with a GIN index (title weighted above body)."""

    __table_args__ = (
        Index("ix_searchentry_item", "kind", "item_id", unique=True),
        Index("ix_searchentry_org_kind", "org_id", "kind"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)  # request | document | letter | event | agency
    item_id: int
    # None for an agency's entry: the directory is shared by every organization.
    org_id: int | None = Field(
        default=None, foreign_key="organization.id", index=True, ondelete="CASCADE"
    )
    # None for an agency's own entry.
    request_id: int | None = Field(
        default=None, foreign_key="recordrequest.id", index=True, ondelete="CASCADE"
    )
    agency_id: int | None = None  # the item's agency (an agency's entry: itself)
    on: date | None = None  # for the date filter and facet: created, received, sent or happened
    title: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    body: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


# PostgreSQL: the stored tsvector the search ranks on, and its GIN index (migration 0008).
PG_TSV = (
    "ALTER TABLE searchentry ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english', title), 'A') || "
    "setweight(to_tsvector('english', body), 'B')) STORED",
    "CREATE INDEX IF NOT EXISTS ix_searchentry_tsv ON searchentry USING gin (tsv)",
)
for _stmt in PG_TSV:
    event.listen(SearchEntry.__table__, "after_create", DDL(_stmt).execute_if(dialect="postgresql"))

# SQLite full-text index: an external-content FTS5 table kept in step by triggers. The search
# module also runs these statements (IF NOT EXISTS) on first use, for databases built by migrations.
FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS searchentry_fts USING fts5("
    "title, body, content='searchentry', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER IF NOT EXISTS searchentry_ai AFTER INSERT ON searchentry BEGIN "
    "INSERT INTO searchentry_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS searchentry_ad AFTER DELETE ON searchentry BEGIN "
    "INSERT INTO searchentry_fts(searchentry_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS searchentry_au AFTER UPDATE ON searchentry BEGIN "
    "INSERT INTO searchentry_fts(searchentry_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO searchentry_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
)
for _stmt in FTS_DDL:
    event.listen(SearchEntry.__table__, "after_create", DDL(_stmt).execute_if(dialect="sqlite"))
event.listen(
    SearchEntry.__table__,
    "before_drop",
    DDL("DROP TABLE IF EXISTS searchentry_fts").execute_if(dialect="sqlite"),
)
