"""Who may see what: one predicate per kind of object, as a SQL filter and as a check of one row.

Every read path (pages, panels, downloads, ZIPs, bundles, exports, search, calendar feeds,
notifications, the audit trail and the API) asks this module; no other module decides who sees
an object. ``where(Model, viewer)`` filters a query, ``can_see(db, viewer, obj)`` checks one row,
and a test checks that the two always agree.

A viewer is a member of one organization (``Viewer.member``), the organization as a whole
(``Viewer.organization``: what every member may see, for shared calendar feeds and reminders to
members who follow every request) or the anonymous public (``Viewer.public``).

The rules, by kind of object:

- **request**: ``private`` is seen by its creator and its assignee, ``organization`` and
  ``public`` by every member; the public sees ``public`` requests that no embargo holds back.
- **document**: its request must be visible, and a ``private`` document is seen only by the
  member who filed it; the public sees ``public`` documents that no embargo holds back.
- **read from a document** (events proposed from an email, sharing notes): visible only with
  their request *and* their document.
- **search entries**: an agency's entry with the organization's rows; any other with its
  request, a document's also with its document, and a letter's (for the public) once sent.
- **about a request** (timeline events, deadlines, letters, embargoes, reminders): visible with
  their request; the public sees only letters actually sent.
- **notifications**: only their recipient, and only while their request is visible to them (a
  weekly digest drops the lines about requests the recipient can no longer see).
- **organization rows** (agencies, members, settings, batches, tokens, feeds): every member.
- **register entries** (agreements, ledger figures, sharing requests): their own visibility and embargo date, like
  documents; a fact is visible only with its entry *and* the document it cites, so the public
  never sees a fact whose source is not public. Proposals read from a document follow the
  document; follow-ups follow their entry, for members only.
- **audit entries**: listed to owners; their values are shown only when the object they
  describe is visible (as it is now or, once deleted, as the trail last recorded it).

An embargo only ever narrows: until its date it keeps an item out of public view; when it
lifts, the item has the visibility its user chose, never wider.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar, cast

from sqlalchemy import Integer, and_, bindparam, exists, false, inspect, or_, select, true
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from records.core.audit_models import AuditLog
from records.core.clock import utc_today
from records.core.models import (
    Agency,
    AgencyNote,
    AgencyRevision,
    ApiToken,
    Invite,
    Membership,
    Organization,
    RecordRequest,
    Visibility,
)
from records.filing.models import Document, ProposedEvent, RequestEmbargo, SearchEntry, SharingNote
from records.letters.models import BatchJob, OrgLetterSettings, RequesterProfile, StoredLetter
from records.lifecycle.models import Deadline, Event
from records.notify.models import CalendarFeed, Notification, Reminder, ReminderPreference
from records.projects.models import Project, ProjectRequest
from records.register.models import (
    Agreement,
    FollowUp,
    LedgerFigure,
    RegisterFact,
    RegisterProposal,
    SharingRequest,
)

T = TypeVar("T")
Lookup = Callable[[type, Any], Any]


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a member, an organization as a whole, or the anonymous public."""

    org_id: int | None = None
    user_id: int | None = None

    @classmethod
    def member(cls, org_id: int, user_id: int | None) -> Viewer:
        """A member of ``org_id`` (``user_id`` None means no one in particular)."""
        return cls(org_id, user_id)

    @classmethod
    def organization(cls, org_id: int) -> Viewer:
        """What every member of ``org_id`` may see (no one's private items)."""
        return cls(org_id, None)

    @classmethod
    def public(cls) -> Viewer:
        """The anonymous public."""
        return cls(None, None)

    @classmethod
    def bound(cls) -> Viewer:
        """A member whose organization and user are bind parameters (``viewer_org``,
        ``viewer_user``): for a statement built once per process and run for any member with
        ``params()``. Building a rule's SQL and its cache key costs more than running it on an
        indexed table, and the hot reads (the unread count, the request list, the request
        page's panels) need it on every page. See also ``prepared``."""
        return cls(
            cast(int, bindparam("viewer_org", type_=Integer)),
            cast(int, bindparam("viewer_user", type_=Integer)),
        )

    @property
    def kind(self) -> str:
        """``member``, ``organization`` or ``public``: what a rule's SQL depends on beyond the
        ids (a prepared statement is built once per kind)."""
        if self.org_id is None:
            return "public"
        return "organization" if self.user_id is None else "member"

    def symbolic(self) -> Viewer:
        """A viewer of the same kind whose ids are bind parameters (see ``bound``)."""
        return _symbolic(self.kind)

    def params(self) -> dict[str, int | None]:
        """The bind parameters of a statement built for ``symbolic()``, for this viewer."""
        out: dict[str, int | None] = {}
        if self.org_id is not None:
            out["viewer_org"] = self.org_id
        if self.user_id is not None:
            out["viewer_user"] = self.user_id
        return out

    @property
    def is_public(self) -> bool:
        return self.org_id is None


def _symbolic(kind: str) -> Viewer:
    if kind == "public":
        return Viewer.public()
    if kind == "organization":
        return Viewer(cast(int, bindparam("viewer_org", type_=Integer)), None)
    return Viewer.bound()


def current_viewer() -> Viewer:
    """The member acting in this HTTP request (web session or API token)."""
    from records.core.auth import acting_user, current_org_id

    user = acting_user()
    return Viewer.member(current_org_id(), user.id if user is not None else None)


# ------------------------------------------------------------------------------------------
# The rules. Each kind has a SQL form (over the model or an alias of it) and a Python form (over
# a row, or a snapshot of one rebuilt from the audit trail); ``get`` loads a parent row.
# ------------------------------------------------------------------------------------------


@cache
def _alias(model: type) -> Any:
    """One alias per model for the rules' EXISTS subqueries, made once: building an alias's
    columns costs milliseconds, every page asks for these, and an alias can be reused (each
    EXISTS is its own scope and these never nest inside themselves)."""
    return aliased(model)


def _request_sql(r: Any, v: Viewer) -> ColumnElement[bool]:
    if v.is_public:
        held = _alias(RequestEmbargo)
        return and_(
            r.visibility == Visibility.PUBLIC,
            ~exists().where(held.request_id == r.id, held.published_at.is_(None)),
        )
    shared = r.visibility != Visibility.PRIVATE
    if v.user_id is None:
        return and_(r.org_id == v.org_id, shared)
    return and_(
        r.org_id == v.org_id,
        or_(shared, r.created_by == v.user_id, r.assignee_id == v.user_id),
    )


def _request_py(v: Viewer, r: Any, get: Lookup) -> bool:
    if r is None:
        return False
    if v.is_public:
        if r.visibility != Visibility.PUBLIC:
            return False
        held = get(RequestEmbargo, r.id)
        return held is None or held.published_at is not None
    if r.org_id != v.org_id:
        return False
    return r.visibility != Visibility.PRIVATE or (
        v.user_id is not None and v.user_id in (r.created_by, r.assignee_id)
    )


def _request_visible_sql(column: Any, v: Viewer) -> ColumnElement[bool]:
    r = _alias(RecordRequest)
    return exists().where(r.id == column, _request_sql(r, v))


def _request_visible_py(v: Viewer, request_id: Any, get: Lookup) -> bool:
    return request_id is not None and _request_py(v, get(RecordRequest, request_id), get)


def _document_own_sql(d: Any, v: Viewer) -> ColumnElement[bool]:
    """The document's own condition (its request's is added by the caller)."""
    if v.is_public:
        return and_(
            d.visibility == Visibility.PUBLIC,
            or_(d.embargo_until.is_(None), d.published_at.is_not(None)),
        )
    if v.user_id is None:
        return and_(d.org_id == v.org_id, d.visibility != Visibility.PRIVATE)
    return and_(
        d.org_id == v.org_id, or_(d.visibility != Visibility.PRIVATE, d.created_by == v.user_id)
    )


def _document_sql(d: Any, v: Viewer) -> ColumnElement[bool]:
    return and_(_document_own_sql(d, v), _request_visible_sql(d.request_id, v))


def _document_py(v: Viewer, d: Any, get: Lookup) -> bool:
    if d is None:
        return False
    if v.is_public:
        own = d.visibility == Visibility.PUBLIC and (
            d.embargo_until is None or d.published_at is not None
        )
    else:
        own = d.org_id == v.org_id and (
            d.visibility != Visibility.PRIVATE
            or (v.user_id is not None and d.created_by == v.user_id)
        )
    return own and _request_visible_py(v, d.request_id, get)


def _document_visible_sql(column: Any, v: Viewer) -> ColumnElement[bool]:
    d = _alias(Document)
    return exists().where(d.id == column, _document_sql(d, v))


def _document_visible_py(v: Viewer, doc_id: Any, get: Lookup) -> bool:
    return doc_id is not None and _document_py(v, get(Document, doc_id), get)


def _org_sql(m: Any, v: Viewer) -> ColumnElement[bool]:
    return m.org_id == v.org_id if not v.is_public else false()


def _org_py(v: Viewer, obj: Any) -> bool:
    return not v.is_public and obj.org_id == v.org_id


@dataclass(frozen=True)
class Rule:
    """One kind's predicate: ``sql(entity, viewer)`` and ``check(viewer, row, get)``."""

    sql: Callable[[Any, Viewer], ColumnElement[bool]]
    check: Callable[[Viewer, Any, Lookup], bool]
    # Organization rows: nothing in them is private to one member.
    org_level: bool = False


def _about_request(*, public: bool, sent_only: bool = False) -> Rule:
    """A row about a request: visible with it (and, for the public, only if ``public``)."""

    def sql(m: Any, v: Viewer) -> ColumnElement[bool]:
        if v.is_public:
            if not public:
                return false()
            if sent_only:
                return and_(m.sent_on.is_not(None), _request_visible_sql(m.request_id, v))
            return _request_visible_sql(m.request_id, v)
        return and_(m.org_id == v.org_id, _request_visible_sql(m.request_id, v))

    def check(v: Viewer, obj: Any, get: Lookup) -> bool:
        if v.is_public:
            if not public or (sent_only and obj.sent_on is None):
                return False
        elif obj.org_id != v.org_id:
            return False
        return _request_visible_py(v, obj.request_id, get)

    return Rule(sql, check)


def _scheduled() -> Rule:
    """Reminders: members only, and with their request when they have one."""

    def sql(m: Any, v: Viewer) -> ColumnElement[bool]:
        return and_(
            _org_sql(m, v), or_(m.request_id.is_(None), _request_visible_sql(m.request_id, v))
        )

    def check(v: Viewer, obj: Any, get: Lookup) -> bool:
        return _org_py(v, obj) and (
            obj.request_id is None or _request_visible_py(v, obj.request_id, get)
        )

    return Rule(sql, check)


def _addressed() -> Rule:
    """Notifications: written for one member, from what that member could see; only they read
    them, and not once their request is out of their sight."""

    def sql(m: Any, v: Viewer) -> ColumnElement[bool]:
        if v.user_id is None:
            return false()
        return and_(
            _org_sql(m, v),
            m.user_id == v.user_id,
            or_(m.request_id.is_(None), _request_visible_sql(m.request_id, v)),
        )

    def check(v: Viewer, obj: Any, get: Lookup) -> bool:
        return (
            _org_py(v, obj)
            and v.user_id is not None
            and obj.user_id == v.user_id
            and (obj.request_id is None or _request_visible_py(v, obj.request_id, get))
        )

    return Rule(sql, check)


def _from_document(no_document: Callable[[Any], Any], doc_column: Callable[[Any], Any]) -> Rule:
    """Rows that may be read from a document: visible with their request and that document."""

    def sql(m: Any, v: Viewer) -> ColumnElement[bool]:
        org = [] if v.is_public else [m.org_id == v.org_id]
        return and_(
            *org,
            _request_visible_sql(m.request_id, v),
            or_(no_document(m), _document_visible_sql(doc_column(m), v)),
        )

    def check(v: Viewer, obj: Any, get: Lookup) -> bool:
        if not v.is_public and obj.org_id != v.org_id:
            return False
        ident = _doc_of(obj)
        return _request_visible_py(v, obj.request_id, get) and (
            ident is None or _document_visible_py(v, ident, get)
        )

    return Rule(sql, check)


def _doc_of(obj: Any) -> Any:
    """The document a row was read from: a note's document, or a search entry's item."""
    if hasattr(obj, "document_id"):
        return obj.document_id
    return obj.item_id if obj.kind == "document" else None


def _proposed_sql(p: Any, v: Viewer) -> ColumnElement[bool]:
    if v.is_public:
        return false()
    return and_(
        p.org_id == v.org_id,
        _request_visible_sql(p.request_id, v),
        or_(p.document_id.is_(None), _document_visible_sql(p.document_id, v)),
    )


def _proposed_py(v: Viewer, p: Any, get: Lookup) -> bool:
    if v.is_public or p.org_id != v.org_id:
        return False
    return _request_visible_py(v, p.request_id, get) and (
        p.document_id is None or _document_visible_py(v, p.document_id, get)
    )


def _search_sql(m: Any, v: Viewer) -> ColumnElement[bool]:
    """A search entry: an agency's (the shared directory) for every member; the others with
    their request, a document's with its document and, for the public, a letter's only once
    sent."""
    letter = _alias(StoredLetter)
    sent = exists().where(letter.id == m.item_id, letter.sent_on.is_not(None))
    about = and_(
        _request_visible_sql(m.request_id, v),
        or_(m.kind != "document", _document_visible_sql(m.item_id, v)),
    )
    if v.is_public:
        return and_(m.kind != "agency", about, or_(m.kind != "letter", sent))
    return or_(m.kind == "agency", and_(m.org_id == v.org_id, about))


def _search_py(v: Viewer, m: Any, get: Lookup) -> bool:
    if m.kind == "agency":  # the shared directory
        return not v.is_public
    if not v.is_public and m.org_id != v.org_id:
        return False
    if not _request_visible_py(v, m.request_id, get):
        return False
    if m.kind == "document":
        return _document_visible_py(v, m.item_id, get)
    if m.kind == "letter" and v.is_public:
        letter = get(StoredLetter, m.item_id)
        return letter is not None and letter.sent_on is not None
    return True


# The register (agreements, their facts, ledger figures, sharing requests): an entry has its own visibility, like a
# document; each fact is seen only with its entry and the document it cites. The public sees a
# public entry once its embargo date has come, and only the facts whose documents are public.


def _entry_sql(m: Any, v: Viewer) -> ColumnElement[bool]:
    if v.is_public:
        public = m.visibility == Visibility.PUBLIC
        if hasattr(m, "embargo_until"):
            public = and_(public, or_(m.embargo_until.is_(None), m.embargo_until <= utc_today()))
        return public
    if v.user_id is None:
        return and_(m.org_id == v.org_id, m.visibility != Visibility.PRIVATE)
    return and_(
        m.org_id == v.org_id, or_(m.visibility != Visibility.PRIVATE, m.created_by == v.user_id)
    )


def _entry_py(v: Viewer, m: Any) -> bool:
    if m is None:
        return False
    if v.is_public:
        held = getattr(m, "embargo_until", None)
        return m.visibility == Visibility.PUBLIC and (held is None or held <= utc_today())
    return m.org_id == v.org_id and (
        m.visibility != Visibility.PRIVATE or (v.user_id is not None and m.created_by == v.user_id)
    )


def _cited_sql(m: Any, v: Viewer) -> ColumnElement[bool]:
    return or_(m.document_id.is_(None), _document_visible_sql(m.document_id, v))


def _cited_py(v: Viewer, m: Any, get: Lookup) -> bool:
    return m.document_id is None or _document_visible_py(v, m.document_id, get)


def _agreement_visible_sql(column: Any, v: Viewer) -> ColumnElement[bool]:
    a = aliased(Agreement)
    return exists().where(a.id == column, _entry_sql(a, v))


def _fact_sql(m: Any, v: Viewer) -> ColumnElement[bool]:
    org = [] if v.is_public else [m.org_id == v.org_id]
    return and_(*org, _agreement_visible_sql(m.agreement_id, v), _cited_sql(m, v))


def _fact_py(v: Viewer, m: Any, get: Lookup) -> bool:
    if not v.is_public and m.org_id != v.org_id:
        return False
    return _entry_py(v, get(Agreement, m.agreement_id)) and _cited_py(v, m, get)


def _followup_sql(m: Any, v: Viewer) -> ColumnElement[bool]:
    return and_(_org_sql(m, v), _agreement_visible_sql(m.agreement_id, v))


def _followup_py(v: Viewer, m: Any, get: Lookup) -> bool:
    return _org_py(v, m) and _entry_py(v, get(Agreement, m.agreement_id))


def _ledger_rule() -> Rule:
    """A ledger row (an ESAC figure, a sharing request): its own visibility, and its document's."""
    return Rule(
        lambda m, v: and_(_entry_sql(m, v), _cited_sql(m, v)),
        lambda v, m, get: _entry_py(v, m) and _cited_py(v, m, get),
    )


def _org_rule() -> Rule:
    return Rule(_org_sql, lambda v, obj, _get: _org_py(v, obj), org_level=True)


RULES: dict[type, Rule] = {
    RecordRequest: Rule(_request_sql, _request_py),
    Document: Rule(_document_sql, _document_py),
    ProposedEvent: Rule(_proposed_sql, _proposed_py),
    SharingNote: _from_document(lambda m: m.document_id.is_(None), lambda m: m.document_id),
    SearchEntry: Rule(_search_sql, _search_py),
    Event: _about_request(public=True),
    Deadline: _about_request(public=True),
    RequestEmbargo: _about_request(public=True),
    StoredLetter: _about_request(public=True, sent_only=True),
    Reminder: _scheduled(),
    Notification: _addressed(),
    # The directory is shared by every organization on the instance (members, not the
    # public); what an organization writes about an agency is its own.
    Agency: Rule(
        lambda m, v: true() if not v.is_public else false(),
        lambda v, _obj, _get: not v.is_public,
        org_level=True,
    ),
    AgencyRevision: Rule(
        lambda m, v: true() if not v.is_public else false(),
        lambda v, _obj, _get: not v.is_public,
        org_level=True,
    ),
    AgencyNote: _org_rule(),
    Project: _org_rule(),  # its requests are seen as each member may see them
    ProjectRequest: _org_rule(),
    Membership: _org_rule(),
    Invite: _org_rule(),
    ApiToken: _org_rule(),
    RequesterProfile: _org_rule(),
    OrgLetterSettings: _org_rule(),
    BatchJob: _org_rule(),
    ReminderPreference: _org_rule(),
    CalendarFeed: _org_rule(),
    AuditLog: _org_rule(),  # the entries' values: see ``audit_redactor``
    Agreement: Rule(_entry_sql, lambda v, m, _get: _entry_py(v, m)),
    RegisterFact: Rule(_fact_sql, _fact_py),
    LedgerFigure: _ledger_rule(),
    SharingRequest: _ledger_rule(),
    RegisterProposal: Rule(_proposed_sql, _proposed_py),  # as events read from an email
    FollowUp: Rule(_followup_sql, _followup_py),
    Organization: Rule(
        lambda m, v: m.id == v.org_id if not v.is_public else false(),
        lambda v, obj, _get: not v.is_public and obj.id == v.org_id,
        org_level=True,
    ),
}


def _rule(model: type) -> Rule:
    try:
        return RULES[model]
    except KeyError:
        # Denied by default: a new table gets no reader until its rule is written here.
        raise LookupError(f"no visibility rule for {model.__name__}") from None


def where(model: Any, viewer: Viewer) -> ColumnElement[bool]:
    """SQL condition: the rows of ``model`` (the class, or an alias of it) ``viewer`` may see."""
    return _rule(inspect(model).mapper.class_).sql(model, viewer)


def search_entries_joined(viewer: Viewer) -> ColumnElement[bool]:
    """``where(SearchEntry, viewer)`` for a query that already outer-joins each entry's
    ``RecordRequest``, its ``Document`` (document entries) and its ``StoredLetter`` (letter
    entries): the same rule on the joined rows, without subqueries, so the full-text match keeps
    driving the query."""
    about = and_(
        _request_sql(RecordRequest, viewer),
        or_(col(SearchEntry.kind) != "document", _document_own_sql(Document, viewer)),
    )
    if viewer.is_public:
        return and_(
            col(SearchEntry.kind) != "agency",
            about,
            or_(col(SearchEntry.kind) != "letter", col(StoredLetter.sent_on).is_not(None)),
        )
    return or_(
        col(SearchEntry.kind) == "agency", and_(col(SearchEntry.org_id) == viewer.org_id, about)
    )


def _getter(db: Session) -> Lookup:
    def get(model: type, ident: Any) -> Any:
        return db.get(model, ident) if ident is not None else None

    return get


def can_see(db: Session | None, viewer: Viewer, obj: Any) -> bool:
    """True when ``viewer`` may see ``obj`` (any row with a rule; None is never visible)."""
    if obj is None:
        return False
    if db is None:  # only members' checks of a request need no parent rows
        if type(obj) is not RecordRequest or viewer.is_public:
            raise ValueError("this check needs a database session")
        return _request_py(viewer, obj, _no_lookup)
    return _rule(type(obj)).check(viewer, obj, _getter(db))


def _no_lookup(_model: type, _ident: Any) -> Any:
    raise AssertionError("unreachable: a member's request check loads nothing")


def only_visible(db: Session, viewer: Viewer, rows: Iterable[T]) -> list[T]:
    """The rows of ``rows`` that ``viewer`` may see, in order."""
    return [row for row in rows if can_see(db, viewer, row)]


S = TypeVar("S")


def prepared(build: Callable[[Viewer], S]) -> Callable[[Viewer], tuple[S, dict[str, Any]]]:
    """Decorate ``build(viewer) -> statement`` (its other values bind parameters) so that the
    statement is built once per kind of viewer and returned with the viewer's parameters:

        @visibility.prepared
        def _documents(viewer):
            return select(Document).where(Document.request_id == bindparam("request_id"),
                                          visibility.where(Document, viewer))

        stmt, params = _documents(viewer)
        db.exec(stmt, params=params | {"request_id": req.id})

    The rules only compare the viewer's ids in SQL, so a bound statement selects what one
    built for the viewer would (``tests/test_visibility_walk.py`` checks every rule)."""
    built: dict[str, S] = {}

    def get(viewer: Viewer) -> tuple[S, dict[str, Any]]:
        kind = viewer.kind
        if kind not in built:
            built[kind] = build(viewer.symbolic())
        return built[kind], viewer.params()

    return get


@cache
def _visible_rows_stmt(model: type, viewer_kind: str, filters: tuple[str, ...]) -> Any:
    """``visible_rows_by``'s statement: ``model`` rows whose ``filters`` columns equal bind
    parameters of the same names, visible to a viewer of that kind."""
    viewer = _symbolic(viewer_kind)
    table = model.__table__  # type: ignore[attr-defined]
    matches = [table.c[name] == bindparam(f"match_{name}") for name in filters]
    return select(model).where(where(model, viewer), *matches).order_by(table.c.id)


def visible_rows_by(db: Session, model: type[T], viewer: Viewer, **match: Any) -> list[T]:
    """``model`` rows whose columns equal ``match`` that ``viewer`` may see, oldest first, by a
    statement built once per model, viewer kind and set of columns."""
    names = tuple(sorted(match))
    stmt = _visible_rows_stmt(cast(type, model), viewer.kind, names)
    params = viewer.params() | {f"match_{k}": match[k] for k in names}
    return list(db.exec(stmt, params=params).scalars().all())


def marked_public(entry: Any) -> bool:
    """True when a register entry or ledger figure is chosen public (so it may cite only
    documents the public can see)."""
    return entry.visibility == Visibility.PUBLIC


def narrower_than_request(doc: Document) -> bool:
    """True when some who see the document's request may not see the document itself."""
    return doc.visibility == Visibility.PRIVATE


# ------------------------------------------------------------------------------------------
# The audit trail: an entry's values are shown when its object is visible to the reader.
# ------------------------------------------------------------------------------------------

TABLES: dict[str, type] = {model.__tablename__: model for model in RULES}  # type: ignore[attr-defined]
_CHUNK = 500


def _pk(model: type, object_id: str) -> Any:
    column = next(iter(model.__table__.primary_key.columns))  # type: ignore[attr-defined]
    try:
        return int(object_id) if column.type.python_type is int else object_id
    except (TypeError, ValueError, NotImplementedError):
        return None


class _History:
    """Rows as they are now or, once deleted, as the audit trail last recorded them."""

    def __init__(self, db: Session, org_id: int | None) -> None:
        self.db, self.org_id = db, org_id
        self.rebuilt: dict[tuple[type, Any], Any] = {}

    def get(self, model: type, ident: Any) -> Any:
        if ident is None:
            return None
        row = self.db.get(model, ident)
        if row is not None:
            return row
        key = (model, ident)
        if key not in self.rebuilt:
            self.rebuild(model, [ident])
        return self.rebuilt.get(key)

    def rebuild(self, model: type, idents: list[Any]) -> None:
        """Fold the trail of deleted rows (insert, updates, the delete's snapshot) into snapshots."""
        columns = [c.key for c in model.__table__.columns]  # type: ignore[attr-defined]
        table = model.__tablename__  # type: ignore[attr-defined]
        for ident in idents:
            self.rebuilt.setdefault((model, ident), None)
        for start in range(0, len(idents), _CHUNK):
            chunk = [str(i) for i in idents[start : start + _CHUNK]]
            stmt = select(AuditLog).where(
                col(AuditLog.object_type) == table, col(AuditLog.object_id).in_(chunk)
            )
            if self.org_id is not None:
                stmt = stmt.where(col(AuditLog.org_id) == self.org_id)
            state: dict[str, dict[str, Any]] = {}
            for entry in self.db.exec(stmt.order_by(col(AuditLog.at), col(AuditLog.id))).scalars():  # type: ignore[call-overload]  # sqlmodel's exec() runs any statement
                data = state.setdefault(entry.object_id, {})
                data.update(entry.after or {})
                if entry.action == "delete":
                    data.update(entry.before or {})
            for object_id, data in state.items():
                ident = _pk(model, object_id)
                self.rebuilt[(model, ident)] = types.SimpleNamespace(
                    **{c: data.get(c) for c in columns}
                )


def audit_redactor(
    db: Session, viewer: Viewer, entries: Iterable[AuditLog]
) -> Callable[[AuditLog], bool]:
    """A test telling whether an entry's values must stay hidden from ``viewer``.

    Entries about organization rows are shown; others follow their object's rule, checked in
    bulk for the given entries (one query per kind and 500 ids, plus the trail of deleted rows).
    """
    history = _History(db, viewer.org_id)
    wanted: dict[type, set[Any]] = {}
    for entry in entries:
        model = TABLES.get(entry.object_type)
        if model is not None and not RULES[model].org_level:
            ident = _pk(model, entry.object_id)
            if ident is not None:
                wanted.setdefault(model, set()).add(ident)
    shown: set[tuple[str, str]] = set()
    for model, idents in wanted.items():
        table = model.__tablename__  # type: ignore[attr-defined]
        pk = next(iter(model.__table__.primary_key.columns))  # type: ignore[attr-defined]
        ordered = sorted(idents)
        found: dict[Any, Any] = {}
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            for row in db.exec(select(model).where(pk.in_(chunk))).scalars():  # type: ignore[call-overload]  # sqlmodel's exec() runs any statement
                found[getattr(row, pk.key)] = row
        missing = [i for i in ordered if i not in found]
        history.rebuild(model, missing)
        check = RULES[model].check
        for ident in ordered:
            row = found.get(ident) or history.rebuilt.get((model, ident))
            if row is not None and check(viewer, row, history.get):
                shown.add((table, str(ident)))

    # An event confirmed from an email the reader cannot see: the event is shared, but its
    # recorded values may carry the email's subject (events confirmed before migration 0005).
    events = [i for i in wanted.get(Event, ()) if ("event", str(i)) in shown]
    for start in range(0, len(events), _CHUNK):
        chunk = events[start : start + _CHUNK]
        for event_id in db.exec(  # type: ignore[call-overload]  # sqlmodel's exec() runs any statement
            select(col(ProposedEvent.event_id)).where(
                col(ProposedEvent.event_id).in_(chunk), ~where(ProposedEvent, viewer)
            )
        ).scalars():
            shown.discard(("event", str(event_id)))

    def hidden(entry: AuditLog) -> bool:
        model = TABLES.get(entry.object_type)
        if model is None or RULES[model].org_level:
            return False
        return (entry.object_type, entry.object_id) not in shown

    return hidden
