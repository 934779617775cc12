"""Full-text search over requests, documents, letters, events and agencies: SQLite FTS5 or
PostgreSQL tsvector, one API.

Callers choose a scope: members of an organization (``Scope.member``) see what
``records.access.visibility`` lets them see; the public (``Scope.public``) sees only published,
unembargoed items. What is indexed, and when, is ``records.search.index``'s business.

Queries: words are all required and matched on word boundaries (stemmed: "detainers" finds
"detainer"); ``"a phrase"`` in double quotes matches those words in order; a word ending in
``*`` matches as a prefix (typeahead asks for the last word as a prefix). A term written with
inner punctuation, such as a tracking number ``2026-FOIA-0117``, is matched as a phrase. Any
string a user types is safe: it is reduced to plain words before it reaches the engine.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from markupsafe import Markup
from sqlalchemy import Row, Select, and_, bindparam, column, func, select, table, text
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from records.access import visibility
from records.core.models import Agency, RecordRequest
from records.filing.models import FTS_DDL, Document, SearchEntry
from records.letters.models import StoredLetter
from records.search.index import clean_text  # noqa: F401  (re-exported)

# Snippet markers: control characters never kept in indexed text, swapped for <mark> after escaping.
START, STOP = "\x02", "\x03"
# PostgreSQL's ts_headline drops anything that looks like an HTML tag, so "<" and ">" travel
# through it as these stand-ins and are restored (then escaped) in ``highlight``.
LT, GT = "\x04", "\x05"
WORD = re.compile(r"\w+", re.UNICODE)
CHUNK = re.compile(r'"([^"]*)"?|(\S+)')
MAX_TERMS = 12
FTS = table("searchentry_fts", column("rowid"))
KINDS = ("request", "document", "letter", "event", "agency")
# Facets are counted among this many best-ranked matches (all of them when there are fewer).
FACET_POOL = 1000
# Ranking: a word in the title counts ten times a word in the body.
SQLITE_RANK = "bm25(searchentry_fts, 10.0, 1.0)"
PG_WEIGHTS = "{0, 0, 0.1, 1.0}"  # D, C, B (body), A (title)
HEADLINE_OPTS = f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=10, MaxFragments=2"


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
    date_from: date | None = None  # on the item's day: created, received, sent or happened
    date_to: date | None = None
    kind: str = ""  # one of KINDS, or "" for all


@dataclass
class Hit:
    kind: str
    item_id: int
    request_id: int | None
    title: str
    snippet: Markup
    agency: str
    jurisdiction: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Term:
    """One required part of a query: a word, a phrase (several words in order) or a prefix."""

    words: tuple[str, ...]
    prefix: bool = False
    # As typed (PostgreSQL parses it as it parsed the indexed text: "2026-BPD-0117" alike).
    raw: str = ""

    @property
    def phrase(self) -> bool:
        return len(self.words) > 1


def parse(query: str, *, prefix_last: bool = False) -> list[Term]:
    """The terms of a user's query (punctuation and operators dropped)."""
    out: list[Term] = []
    for quoted, bare in CHUNK.findall(query or ""):
        raw = quoted if quoted else bare
        words = tuple(WORD.findall(raw))
        if not words:
            continue
        star = bool(bare) and bare.endswith("*") and len(words) == 1
        out.append(Term(words, prefix=star, raw=raw.strip().rstrip("*")))
        if len(out) == MAX_TERMS:
            break
    if prefix_last and out and not out[-1].phrase:
        out[-1] = Term(out[-1].words, prefix=True, raw=out[-1].raw)
    return out


def terms(query: str) -> list[str]:
    """The words of a user's query, flattened."""
    return [w for t in parse(query) for w in t.words][:MAX_TERMS]


def fts5_query(parsed: list[Term] | str) -> str:
    """A safe FTS5 MATCH string: every term quoted, all required."""
    if isinstance(parsed, str):
        parsed = parse(parsed)
    parts = []
    for t in parsed:
        quoted = '"' + " ".join(w.replace('"', '""') for w in t.words) + '"'
        parts.append(quoted + ("*" if t.prefix else ""))
    return " ".join(parts)


def pg_tsquery(parsed: list[Term], tag: str = "t") -> tuple[str, dict[str, str]]:
    """A tsquery SQL expression (with its bind values) requiring every term."""
    parts, params = [], {}
    for i, t in enumerate(parsed):
        name = f"{tag}{i}"
        if t.prefix:
            parts.append(f"to_tsquery('english', :{name})")
            params[name] = t.words[0] + ":*"
        elif t.phrase:
            parts.append(f"phraseto_tsquery('english', :{name})")
            params[name] = t.raw or " ".join(t.words)
        else:
            parts.append(f"plainto_tsquery('english', :{name})")
            params[name] = t.words[0]
    return "(" + " && ".join(parts) + ")", params


def _dialect(db: Session) -> str:
    return db.get_bind().dialect.name


def _rows(db: Session, stmt: Any, params: dict[str, Any]) -> Sequence[Row[Any]]:
    """Plain rows on the request's own connection and transaction: the search reads columns,
    never entities, so the ORM's execution layer adds nothing but time (about a tenth of a
    millisecond per statement, more per row on the facets' thousand)."""
    return db.connection().execute(stmt, params).all()


def ensure_index(db: Session) -> None:
    """Create the SQLite FTS table and triggers if missing (databases built by migrations)."""
    if _dialect(db) != "sqlite":
        return
    bind = db.get_bind()
    if getattr(bind, "_records_fts_ready", False):
        return
    for stmt in FTS_DDL:
        db.exec(text(stmt))  # type: ignore[call-overload]  # sqlmodel's exec() runs any statement
    bind._records_fts_ready = True  # type: ignore[union-attr]


def _match(db: Session, stmt: Select[Any], parsed: list[Term]) -> Select[Any]:
    """Add the full-text condition to a statement over ``searchentry``."""
    if _dialect(db) == "sqlite":
        ensure_index(db)
        return stmt.join(FTS, FTS.c.rowid == SearchEntry.id).where(
            text("searchentry_fts MATCH :q").bindparams(q=fts5_query(parsed))
        )
    tsq, params = pg_tsquery(parsed, "m")
    return stmt.where(text(f"searchentry.tsv @@ {tsq}").bindparams(**params))


def search(
    db: Session,
    query: str,
    scope: Scope,
    filters: SearchFilters | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
    prefix: bool = False,
) -> list[Hit]:
    """Ranked hits for ``query`` that ``scope`` may see, with highlighted, escaped snippets.

    ``prefix`` matches the last word as a prefix (typeahead)."""
    return _results(db, query, scope, filters, limit, offset, prefix=prefix).hits


@dataclass
class Results:
    """A page of hits, with the facets of the visible matches (``search_page``)."""

    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    # True when there are more matches than FACET_POOL: the counts are among the best ones.
    facets_partial: bool = False


def search_page(
    db: Session,
    query: str,
    scope: Scope,
    filters: SearchFilters | None = None,
    *,
    limit: int = 20,
    offset: int = 0,
) -> Results:
    """A results page: ``search`` plus facets by kind, jurisdiction, subject, status and year.

    The facets come from the same ranked candidates as the page (the best ``FACET_POOL``
    matches), so the page costs one ranked query whatever the number of matches."""
    return _results(db, query, scope, filters, limit, offset, facet_pool=FACET_POOL)


def _results(
    db: Session,
    query: str,
    scope: Scope,
    filters: SearchFilters | None,
    limit: int,
    offset: int,
    *,
    prefix: bool = False,
    facet_pool: int = 0,
) -> Results:
    filters = filters or SearchFilters()
    parsed = parse(query, prefix_last=prefix)
    if not parsed:
        return Results([], {})
    # Rank and filter first; snippets are made afterwards for the page's rows only (the
    # engines would otherwise build one for every match before the LIMIT).
    ranked: Sequence[Any] | None = None
    counted: Sequence[Any] = []
    partial = False
    if not scope.is_public:
        ranked, visible, more = _fast_page(db, parsed, scope, filters, limit, offset, facet_pool)
        counted = visible[:facet_pool]
        partial = bool(facet_pool) and (more or len(visible) > facet_pool)
    if ranked is None:
        stmt = _match(db, _page_stmt(scope, _shape(filters), bool(facet_pool)), parsed)
        values = _filter_values(filters)
        order = (_rank(db, parsed), col(SearchEntry.id))
        ranked = _rows(db, stmt.order_by(*order).limit(limit).offset(offset), values)
        if facet_pool and scope.is_public:
            pool = _rows(db, stmt.order_by(*order).limit(facet_pool + 1), values)
            counted, partial = pool[:facet_pool], len(pool) > facet_pool
    snippets = _snippets(db, parsed, [r[0] for r in ranked])
    hits = [
        Hit(
            kind=r[1],
            item_id=r[2],
            request_id=r[3],
            title=r[5] if r[1] == "agency" and r[5] else r[4],
            agency=r[5] or "",
            jurisdiction=r[6] or "",
            snippet=highlight(snippets.get(r[0], "")),
        )
        for r in ranked
    ]
    return Results(hits, _count(counted) if facet_pool else {}, partial)


def _count(rows: Sequence[Any]) -> dict[str, list[tuple[str, int]]]:
    """Facet counts over rows of ``FACET_COLUMNS``."""
    counts = {
        "kind": Counter(r[1] for r in rows),
        "jurisdiction": Counter(r[6] for r in rows),
        "subject": Counter(r[7] for r in rows),
        "status": Counter(r[8] for r in rows),
        "year": Counter(r[9].year if r[9] is not None else None for r in rows),
    }
    return {
        name: [(str(value), n) for value, n in c.most_common() if value]
        for name, c in counts.items()
        if any(value for value in c)
    }


def _rank(db: Session, parsed: list[Term]) -> Any:
    if _dialect(db) == "sqlite":
        return text(SQLITE_RANK)
    tsq, params = pg_tsquery(parsed, "r")
    return text(f"ts_rank('{PG_WEIGHTS}', searchentry.tsv, {tsq}, 1) DESC").bindparams(**params)


# The filters a query uses, as a hashable shape (which are set) and their values (bound).
Shape = tuple[bool, bool, bool, bool, bool, bool, bool]


def _shape(f: SearchFilters) -> Shape:
    return (
        bool(f.agency_id),
        bool(f.jurisdiction),
        bool(f.subject),
        bool(f.status),
        f.kind in KINDS,
        bool(f.date_from),
        bool(f.date_to),
    )


def _filter_values(f: SearchFilters) -> dict[str, Any]:
    return {
        "f_agency": f.agency_id,
        "f_juris": f.jurisdiction,
        "f_subject": f.subject,
        "f_status": f.status,
        "f_kind": f.kind,
        "f_from": f.date_from,
        "f_to": f.date_to,
    }


def _filters(shape: Shape) -> list[ColumnElement[bool]]:
    agency, juris, subject, status, kind, date_from, date_to = shape
    out: list[ColumnElement[bool]] = []
    if agency:
        out.append(col(SearchEntry.agency_id) == bindparam("f_agency"))
    if juris:
        out.append(col(Agency.jurisdiction) == bindparam("f_juris"))
    if subject:
        out.append(col(RecordRequest.subject) == bindparam("f_subject"))
    if status:
        out.append(col(RecordRequest.status) == bindparam("f_status"))
    if kind:
        out.append(col(SearchEntry.kind) == bindparam("f_kind"))
    if date_from:
        out.append(SearchEntry.on >= bindparam("f_from"))
    if date_to:
        out.append(SearchEntry.on <= bindparam("f_to"))
    return out


def _base(scope: Scope, shape: Shape, *columns: Any) -> Select[Any]:
    """Entries joined to what decides who sees them, filtered; no full-text condition yet.

    The filters' values are bound at execution (``_filter_values``)."""
    return (
        select(*columns)
        .select_from(SearchEntry)
        .outerjoin(RecordRequest, col(RecordRequest.id) == col(SearchEntry.request_id))
        .outerjoin(
            Document,
            and_(col(SearchEntry.kind) == "document", col(Document.id) == col(SearchEntry.item_id)),
        )
        .outerjoin(
            StoredLetter,
            and_(
                col(SearchEntry.kind) == "letter", col(StoredLetter.id) == col(SearchEntry.item_id)
            ),
        )
        .outerjoin(Agency, col(Agency.id) == col(SearchEntry.agency_id))
        .where(visibility.search_entries_joined(scope.viewer), *_filters(shape))
    )


PAGE_COLUMNS = (
    SearchEntry.id,
    SearchEntry.kind,
    SearchEntry.item_id,
    SearchEntry.request_id,
    SearchEntry.title,
    Agency.name,
    Agency.jurisdiction,
)
# Facets need these too (after the page's columns).
FACET_COLUMNS = (*PAGE_COLUMNS, RecordRequest.subject, RecordRequest.status, SearchEntry.on)


@lru_cache(maxsize=256)
def _page_stmt(scope: Scope, shape: Shape, facets: bool = False) -> Select[Any]:
    """The page's columns for what ``scope`` may see (built once per viewer and filter shape)."""
    return _base(scope, shape, *(FACET_COLUMNS if facets else PAGE_COLUMNS))


@lru_cache(maxsize=256)
def _checked_stmt(scope: Scope, shape: Shape, facets: bool = False) -> Select[Any]:
    """The page's columns for the given candidate entries that ``scope`` may see."""
    return _page_stmt(scope, shape, facets).where(
        col(SearchEntry.id).in_(bindparam("ids", expanding=True))
    )


@lru_cache(maxsize=64)
def _candidates_sql(dialect: str, tsq: str, shape: Shape) -> Any:
    """The organization's best-ranked matches, without any join: the engine's cheapest query."""
    agency, _juris, _subject, _status, kind, date_from, date_to = shape
    extra = "".join(
        cond
        for on, cond in (
            (kind, " AND e.kind = :f_kind"),
            (agency, " AND e.agency_id = :f_agency"),
            (date_from, ' AND e."on" >= :f_from'),
            (date_to, ' AND e."on" <= :f_to'),
        )
        if on
    )
    # Agencies' entries are the shared directory's: they belong to no organization.
    mine = "(e.org_id = :org OR e.org_id IS NULL)"
    if dialect == "sqlite":
        sql = (
            "SELECT e.id FROM searchentry_fts JOIN searchentry e ON e.id = searchentry_fts.rowid "  # noqa: S608
            f"WHERE searchentry_fts MATCH :q AND {mine}{extra} "
            f"ORDER BY {SQLITE_RANK}, e.id LIMIT :n"
        )
    else:
        sql = (
            f"SELECT e.id FROM searchentry e WHERE e.tsv @@ {tsq} AND {mine}{extra} "  # noqa: S608
            f"ORDER BY ts_rank('{PG_WEIGHTS}', e.tsv, {tsq}, 1) DESC, e.id LIMIT :n"
        )
    # Safe: built from our own fragments; every value is a bind parameter.
    return text(sql)


def _fast_page(
    db: Session,
    parsed: list[Term],
    scope: Scope,
    filters: SearchFilters,
    limit: int,
    offset: int,
    facet_pool: int = 0,
) -> tuple[list[Any] | None, list[Any], bool]:
    """The page from the organization's best-ranked entries alone, when that is exact; the
    visible rows among those candidates (to count facets on); whether there were more.

    The engine ranks the organization's matches without any join (the same query as the best
    raw one), a few more than the page needs (or ``facet_pool``); the access rules and filters
    are then applied to those candidates only. The page is exact when enough candidates pass
    or when they were all the matches there are; otherwise it is None, and the caller runs
    the joined query.
    """
    cap = max(2 * (offset + limit) + 10, facet_pool)
    dialect = _dialect(db)
    shape = _shape(filters)
    values = _filter_values(filters)
    if dialect == "sqlite":
        ensure_index(db)
        tsq, params = "", {"q": fts5_query(parsed)}
    else:
        tsq, params = pg_tsquery(parsed, "m")
    candidates = [
        r[0]
        for r in _rows(
            db,
            _candidates_sql(dialect, tsq, shape),
            {**params, **values, "org": scope.org_id, "n": cap},
        )
    ]
    if not candidates:
        return [], [], False
    # The candidates matched already: only the access rules and filters are left to apply,
    # first to those the page needs (all of them for facets), then to the rest if some failed.
    stmt = _checked_stmt(scope, shape, bool(facet_pool))
    need = len(candidates) if facet_pool else offset + limit
    rows = {r[0]: r for r in _rows(db, stmt, {**values, "ids": candidates[:need]})}
    if len(rows) < need and len(candidates) > need:
        rows.update((r[0], r) for r in _rows(db, stmt, {**values, "ids": candidates[need:]}))
    passed = [rows[i] for i in candidates if i in rows]
    more = len(candidates) == cap
    if len(passed) < offset + limit and more:
        # Too many candidates hidden or filtered out: the caller ranks the joined query.
        return None, passed, more
    return passed[offset : offset + limit], passed, more


def agencies(
    db: Session, query: str, org_id: int, *, limit: int = 20, offset: int = 0, prefix: bool = False
) -> list[int]:
    """Directory agency ids best matching ``query`` (name and abbreviations), best first: a
    word-boundary match, so "ICE" is not every "Sheriff's Office". The directory is shared by
    the instance; ``org_id`` is kept for callers and not needed to filter."""
    parsed = parse(query, prefix_last=prefix)
    if not parsed:
        return []
    stmt = _match(
        db,
        select(col(SearchEntry.item_id)).where(col(SearchEntry.kind) == "agency"),
        parsed,
    )
    # Ranked on the name and abbreviations only (a word in the notes still matches, last); among
    # equal matches the shorter name first: "U.S. Immigration and Customs Enforcement" before
    # its FOIA office.
    if _dialect(db) == "sqlite":
        order = text("bm25(searchentry_fts, 1.0, 0.0)")
    else:
        tsq, params = pg_tsquery(parsed, "r")
        order = text(f"ts_rank('{{0, 0, 0, 1}}', searchentry.tsv, {tsq}, 1) DESC").bindparams(
            **params
        )
    stmt = stmt.order_by(order, func.length(SearchEntry.title), col(SearchEntry.item_id))
    return list(db.exec(stmt.limit(limit).offset(offset)).scalars())  # type: ignore[call-overload]  # sqlmodel's exec() runs any statement


def highlight(raw: str) -> Markup:
    """Escape a snippet, then turn the engine's markers into <mark> tags."""
    escaped = html.escape(raw.replace(LT, "<").replace(GT, ">"), quote=True)
    out = escaped.replace(START, "<mark>").replace(STOP, "</mark>")
    # An unbalanced marker (a cut snippet) must not leave an open tag.
    if out.count("<mark>") != out.count("</mark>"):
        out = escaped.replace(START, "").replace(STOP, "")
    # Safe: built from escaped text and our own <mark> tags only.
    return Markup(out)  # noqa: S704  # nosec B704


@lru_cache(maxsize=64)
def _snippets_sql(dialect: str, tsq: str) -> Any:
    """The snippet statement, built once per dialect and query shape; every value is bound."""
    if dialect == "sqlite":
        sql = (
            "SELECT rowid, snippet(searchentry_fts, -1, :s, :e, ' … ', 24) FROM searchentry_fts "
            "WHERE searchentry_fts MATCH :q AND rowid IN :ids"
        )
    else:
        # The tsquery text is ours (function calls over bind parameters): no user text.
        sql = (
            "SELECT id, ts_headline('english', translate(title || ' ' || left(body, 200000), "  # noqa: S608
            f"'<>', :tags), {tsq}, :opts) FROM searchentry WHERE id IN :ids"
        )
    return text(sql).bindparams(bindparam("ids", expanding=True))


def _snippets(db: Session, parsed: list[Term], ids: list[int]) -> dict[int, str]:
    """Highlighted snippets for the given entries only."""
    if not ids:
        return {}
    dialect = _dialect(db)
    if dialect == "sqlite":
        tsq, params = "", {"s": START, "e": STOP, "q": fts5_query(parsed)}
    else:
        tsq, params = pg_tsquery(parsed, "h")
        params.update(tags=LT + GT, opts=HEADLINE_OPTS)
    return {
        row[0]: row[1] for row in _rows(db, _snippets_sql(dialect, tsq), {**params, "ids": ids})
    }


# The baselines' ranked query, built once (the app's statements are built once too).
RAW_SQLITE = text(
    "SELECT e.id FROM searchentry_fts JOIN searchentry e ON e.id = searchentry_fts.rowid "  # noqa: S608
    f"WHERE searchentry_fts MATCH :q AND e.org_id = :org ORDER BY {SQLITE_RANK}, e.id LIMIT :n"
)


@lru_cache(maxsize=64)
def _raw_postgres_sql(tsq: str) -> Any:
    return text(
        f"SELECT id FROM searchentry WHERE tsv @@ {tsq} AND org_id = :org "  # noqa: S608
        f"ORDER BY ts_rank('{PG_WEIGHTS}', tsv, {tsq}, 1) DESC, id LIMIT :n"
    )


def raw_fts_sqlite(db: Session, query: str, org_id: int, limit: int = 20) -> list[Any]:
    """The best hand-written FTS5 query for an organization's hits (its members see every
    entry in the benchmark's data): the ranked page, then its snippets. The baseline."""
    parsed = parse(query)
    params = {"q": fts5_query(parsed), "org": org_id, "n": limit}
    ids = [r[0] for r in _rows(db, RAW_SQLITE, params)]
    snippets = _snippets(db, parsed, ids)
    return [(i, snippets.get(i)) for i in ids]


def raw_fts_postgres(db: Session, query: str, org_id: int, limit: int = 20) -> list[Any]:
    """The same baseline on PostgreSQL: ranked on the stored tsvector, then headlines."""
    parsed = parse(query)
    tsq, params = pg_tsquery(parsed, "b")
    ids = [r[0] for r in _rows(db, _raw_postgres_sql(tsq), {**params, "org": org_id, "n": limit})]
    snippets = _snippets(db, parsed, ids)
    return [(i, snippets.get(i)) for i in ids]
