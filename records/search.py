"""Full-text search over requests and documents: SQLite FTS5 or PostgreSQL tsvector, one API.

Callers choose a scope: members of an organization (``Scope.member``) see what
``records.visibility`` lets them see; the public (``Scope.public``) sees only published, unembargoed items. Any string a user
types is safe: it is reduced to plain words before it reaches the full-text engine.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from markupsafe import Markup
from sqlalchemy import and_, bindparam, column, or_, select, table, text
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from records import visibility
from records.models import Agency, RecordRequest
from records.models_filing import FTS_DDL, Document, SearchEntry

# Snippet markers: control characters never kept in indexed text, swapped for <mark> after escaping.
START, STOP = "\x02", "\x03"
# PostgreSQL's ts_headline drops anything that looks like an HTML tag, so "<" and ">" travel
# through it as these stand-ins and are restored (then escaped) in ``highlight``.
LT, GT = "\x04", "\x05"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12
FTS = table("searchentry_fts", column("rowid"))
MAX_BODY = 1_000_000  # characters of a document indexed (the full text stays on the document)


@dataclass(frozen=True)
class Scope:
    """Who is searching: an organization member, or the anonymous public."""

    org_id: int | None = None
    user_id: int | None = None

    @classmethod
    def member(cls, org_id: int, user_id: int) -> Scope:
        return cls(org_id, user_id)

    @classmethod
    def public(cls) -> Scope:
        return cls()

    @property
    def is_public(self) -> bool:
        return self.org_id is None

    @property
    def viewer(self) -> visibility.Viewer:
        if self.org_id is None:
            return visibility.Viewer.public()
        return visibility.Viewer.member(self.org_id, self.user_id)


@dataclass
class SearchFilters:
    agency_id: int | None = None
    jurisdiction: str = ""
    subject: str = ""
    status: str = ""
    date_from: date | None = None  # on the request's creation date or the document's receipt
    date_to: date | None = None
    kind: str = ""  # request | document | "" for both


@dataclass
class Hit:
    kind: str
    item_id: int
    request_id: int
    title: str
    snippet: Markup
    agency: str
    jurisdiction: str
    extra: dict[str, Any] = field(default_factory=dict)


def clean_text(value: str) -> str:
    """Text as indexed: without the control characters used as snippet markers."""
    return _CONTROL.sub(" ", value or "")


def terms(query: str) -> list[str]:
    """The words of a user's query (punctuation and operators dropped)."""
    return WORD.findall(query or "")[:MAX_TERMS]


def fts5_query(query: str) -> str:
    """A safe FTS5 MATCH string: every word quoted, all required."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms(query))


def _dialect(db: Session) -> str:
    return db.get_bind().dialect.name


def ensure_index(db: Session) -> None:
    """Create the SQLite FTS table and triggers if missing (databases built by migrations)."""
    if _dialect(db) != "sqlite":
        return
    bind = db.get_bind()
    if getattr(bind, "_records_fts_ready", False):
        return
    for stmt in FTS_DDL:
        db.exec(text(stmt))
    bind._records_fts_ready = True  # type: ignore[union-attr]


def _upsert(
    db: Session, kind: str, item_id: int, org_id: int, request_id: int, title: str, body: str
) -> None:
    ensure_index(db)
    row = db.exec(
        select(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.item_id == item_id)
    ).scalar_one_or_none()
    title, body = clean_text(title), clean_text(body)[:MAX_BODY]
    if row is None:
        db.add(
            SearchEntry(
                kind=kind,
                item_id=item_id,
                org_id=org_id,
                request_id=request_id,
                title=title,
                body=body,
            )
        )
    elif (row.title, row.body) != (title, body):
        row.title, row.body = title, body
        db.add(row)
    db.flush()


def index_request(db: Session, req: RecordRequest) -> None:
    """Index a request's title, description, tracking number and agency."""
    agency = db.get(Agency, req.agency_id)
    body = "\n".join(
        [req.description or "", req.tracking_number or "", agency.name if agency else ""]
    )
    _upsert(db, "request", req.id, req.org_id, req.id, req.title, body)


def index_document(db: Session, doc: Document) -> None:
    """Index a document's name, description, redaction notes and extracted text."""
    body = "\n".join([doc.description or "", doc.redaction_notes or "", doc.text or ""])
    _upsert(db, "document", doc.id, doc.org_id, doc.request_id, doc.name, body)


def unindex(db: Session, kind: str, item_id: int) -> None:
    """Drop an item from the index."""
    row = db.exec(
        select(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.item_id == item_id)
    ).scalar_one_or_none()
    if row is not None:
        db.delete(row)
        db.flush()


def _visible(scope: Scope) -> ColumnElement[bool]:
    """Entries the scope may see (``records.visibility``: a document's entry needs the document),
    on the request and document this query joins."""
    return visibility.search_entries_joined(scope.viewer)


def _filters(f: SearchFilters) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if f.agency_id:
        out.append(RecordRequest.agency_id == f.agency_id)
    if f.jurisdiction:
        out.append(Agency.jurisdiction == f.jurisdiction)
    if f.subject:
        out.append(RecordRequest.subject == f.subject)
    if f.status:
        out.append(RecordRequest.status == f.status)
    if f.kind in ("request", "document"):
        out.append(SearchEntry.kind == f.kind)
    # Dates: a request by its creation day, a document by the day it was received.
    if f.date_from:
        out.append(
            or_(
                and_(SearchEntry.kind == "request", RecordRequest.created_at >= f.date_from),
                and_(SearchEntry.kind == "document", Document.date_received >= f.date_from),
            )
        )
    if f.date_to:
        out.append(
            or_(
                and_(
                    SearchEntry.kind == "request", RecordRequest.created_at < _next_day(f.date_to)
                ),
                and_(SearchEntry.kind == "document", Document.date_received <= f.date_to),
            )
        )
    return out


def _next_day(day: date) -> date:
    from datetime import timedelta

    return day + timedelta(days=1)


def search(
    db: Session,
    query: str,
    scope: Scope,
    filters: SearchFilters | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
) -> list[Hit]:
    """Ranked hits for ``query`` that ``scope`` may see, with highlighted, escaped snippets."""
    filters = filters or SearchFilters()
    words = terms(query)
    if not words:
        return []
    base = (
        select(
            SearchEntry.kind,
            SearchEntry.item_id,
            SearchEntry.request_id,
            SearchEntry.title,
            Agency.name,
            Agency.jurisdiction,
        )
        .select_from(SearchEntry)
        .join(RecordRequest, RecordRequest.id == SearchEntry.request_id)
        .join(Agency, Agency.id == RecordRequest.agency_id)
        .outerjoin(
            Document, and_(SearchEntry.kind == "document", Document.id == SearchEntry.item_id)
        )
        .where(_visible(scope), *_filters(filters))
    )
    if _dialect(db) == "sqlite":
        ensure_index(db)
        # Rank and filter first; snippets are made afterwards for the page's rows only (SQLite
        # would otherwise build one for every match before the LIMIT).
        match = fts5_query(query)
        stmt = (
            base.add_columns(SearchEntry.id)
            .join(FTS, FTS.c.rowid == SearchEntry.id)
            .where(text("searchentry_fts MATCH :q").bindparams(q=match))
            .order_by(text("bm25(searchentry_fts, 5.0, 1.0)"), SearchEntry.id)
        )
        ranked = db.exec(stmt.limit(limit).offset(offset)).all()
        snippets = _sqlite_snippets(db, match, [r[6] for r in ranked])
        rows = [(*r[:6], snippets.get(r[6], "")) for r in ranked]
    else:
        q = " ".join(words)
        vector = "to_tsvector('english', searchentry.title || ' ' || searchentry.body)"
        headline = text(
            "ts_headline('english', translate(searchentry.title || ' ' || "
            "left(searchentry.body, 200000), '<>', :tags), plainto_tsquery('english', :hq), :opts)"
        ).bindparams(
            bindparam("tags", LT + GT),
            bindparam("hq", q),
            bindparam(
                "opts",
                f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=10, MaxFragments=2",
            ),
        )
        stmt = (
            base.add_columns(headline)
            .where(text(f"{vector} @@ plainto_tsquery('english', :q)").bindparams(q=q))
            .order_by(
                text(f"ts_rank({vector}, plainto_tsquery('english', :rq)) DESC").bindparams(rq=q),
                SearchEntry.id,
            )
        )
        rows = db.exec(stmt.limit(limit).offset(offset)).all()
    return [
        Hit(
            kind=r[0],
            item_id=r[1],
            request_id=r[2],
            title=r[3],
            agency=r[4],
            jurisdiction=r[5],
            snippet=highlight(r[6] or ""),
        )
        for r in rows
    ]


def highlight(raw: str) -> Markup:
    """Escape a snippet, then turn the engine's markers into <mark> tags."""
    escaped = html.escape(raw.replace(LT, "<").replace(GT, ">"), quote=True)
    out = escaped.replace(START, "<mark>").replace(STOP, "</mark>")
    # An unbalanced marker (a cut snippet) must not leave an open tag.
    if out.count("<mark>") != out.count("</mark>"):
        out = escaped.replace(START, "").replace(STOP, "")
    # Safe: built from escaped text and our own <mark> tags only.
    return Markup(out)  # noqa: S704  # nosec B704


def _sqlite_snippets(db: Session, match: str, ids: list[int]) -> dict[int, str]:
    """FTS5 snippets for the given rows only."""
    if not ids:
        return {}
    stmt = text(
        "SELECT rowid, snippet(searchentry_fts, -1, :s, :e, ' … ', 24) FROM searchentry_fts "
        "WHERE searchentry_fts MATCH :q AND rowid IN :ids"
    ).bindparams(bindparam("ids", expanding=True), s=START, e=STOP, q=match, ids=ids)
    return {row[0]: row[1] for row in db.exec(stmt).all()}


def raw_fts_sqlite(db: Session, query: str, limit: int = 20) -> list[Any]:
    """The bare FTS5 query (no joins or access rules), the benchmark's baseline."""
    return list(
        db.exec(
            text(
                "SELECT rowid, snippet(searchentry_fts, -1, :s, :e, ' … ', 24) FROM searchentry_fts "
                "WHERE searchentry_fts MATCH :q ORDER BY bm25(searchentry_fts, 5.0, 1.0) LIMIT :n"
            ).bindparams(s=START, e=STOP, q=fts5_query(query), n=limit)
        ).all()
    )


def raw_fts_postgres(db: Session, query: str, limit: int = 20) -> list[Any]:
    """The bare tsvector query with the same ranking and headline, the PostgreSQL baseline."""
    q = " ".join(terms(query))
    return list(
        db.exec(
            text(
                "SELECT id, ts_headline('english', translate(title || ' ' || left(body, 200000), "
                "'<>', :tags), plainto_tsquery('english', :q), :opts) FROM searchentry "
                "WHERE to_tsvector('english', title || ' ' || body) @@ plainto_tsquery('english', :q) "
                "ORDER BY ts_rank(to_tsvector('english', title || ' ' || body), "
                "plainto_tsquery('english', :q)) DESC, id LIMIT :n"
            ).bindparams(
                tags=LT + GT,
                q=q,
                opts=f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=10, MaxFragments=2",
                n=limit,
            )
        ).all()
    )
