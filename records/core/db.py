"""One engine per app, one session per request on ``flask.g``, closed at teardown."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, has_request_context, request
from sqlalchemy import bindparam, event, func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import NoInspectionAvailable
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, create_engine
from sqlmodel import select as sqlmodel_select

T = TypeVar("T")
# When set, SQLite transactions start with BEGIN IMMEDIATE (take the write lock up front) so a
# read-then-write transaction cannot fail with "database is locked" when another writer committed
# in between; writers queue on busy_timeout instead. Reads stay deferred and never block writers.
_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


@contextmanager
def write_intent() -> Iterator[None]:
    """Mark transactions opened inside this block as writers (used by jobs and CLI commands)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create the engine; SQLite gets foreign keys, WAL, synchronous=FULL and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Hand transaction control to SQLAlchemy's "begin" hook below.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            # Legal records: a committed write must survive power loss.
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write() else "BEGIN")

        return engine
    if "poolclass" not in kwargs:
        kwargs.update(pool_size=10, max_overflow=20)
    try:
        return create_engine(url, pool_pre_ping=True, **kwargs)
    except ModuleNotFoundError as exc:  # the driver is an optional extra
        raise RuntimeError(
            f"DATABASE_URL needs a database driver that is not installed ({exc.name}); "
            "for PostgreSQL: pip install 'records-desk[postgres]'"
        ) from exc


def _wants_write() -> bool:
    if _write_intent.get():
        return True
    return has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")


def init_app(app: Flask) -> None:
    app.extensions["db_engine"] = make_engine(app.config["DATABASE_URL"])
    # First of all before_request hooks: nothing may open a transaction before the body is in.
    app.before_request(_receive_body)
    app.teardown_appcontext(_close_session)


def _receive_body() -> None:
    """Read the whole request body before any database work.

    A writing request's transaction takes SQLite's write lock with its first statement (the
    session or API token lookup); a client that sends its upload slowly, or stalls, would
    otherwise hold that lock for as long as it takes. Form bodies are parsed (file parts spool to
    temporary files past 500 KB); other bodies are cached, within ``MAX_CONTENT_LENGTH``.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    request.get_data(parse_form_data=True)


def get_engine() -> Engine:
    return current_app.extensions["db_engine"]


@cache
def _by_id(model: type) -> Any:
    """``select(model)`` by its one integer primary key, a bind parameter (None otherwise)."""
    try:
        columns: tuple[Any, ...] = tuple(sa_inspect(model).primary_key)
    except NoInspectionAvailable:
        return None
    if len(columns) != 1:
        return None
    column = columns[0]
    try:
        if column.type.python_type is not int:
            return None
    except NotImplementedError:
        return None
    return select(model).where(column == bindparam("pk"))


class RequestSession(Session):
    """The web request's session. ``get`` by an integer id runs a statement built once per
    model: ``Session.get`` builds its select on every call that misses the identity map, which
    cost twice the read itself, and a page asks for a request, its agency, its assignee, its
    embargo... Anything else (options, locks, an expired row) goes to ``Session.get``."""

    def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        if kwargs or type(ident) is not int or not isinstance(entity, type):
            return super().get(entity, ident, **kwargs)
        stmt = _by_id(entity)
        if stmt is None:
            return super().get(entity, ident)
        found = self.identity_map.get(self.identity_key(entity, ident))
        if found is not None:
            state = sa_inspect(found)
            return (
                found
                if not (state.expired or state.expired_attributes)
                else super().get(entity, ident)
            )
        return self.execute(stmt, {"pk": ident}).scalars().first()


def get_session() -> Session:
    """The request's session, created on first use."""
    if "db_session" not in g:
        g.db_session = RequestSession(get_engine(), expire_on_commit=False)
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


_READ_CACHE = "records.read_cache"


def cached_read(db: Session, key: Hashable, load: Callable[[], T]) -> T:
    """``load()``, remembered on the web request's own session until it next writes, commits or
    rolls back.

    For reads several parts of one page make (a request's current deadlines, the unread count):
    the page sends the query once. Any flush, DML statement, commit or rollback forgets it all.
    Only the session serving a web request remembers: a job, a command or any other long-lived
    session reads afresh every time, since another process may change the rows between its
    reads and it would never see it (deadlines moved by a closure added elsewhere).
    """
    if not has_request_context() or g.get("db_session") is not db:
        return load()
    cache = db.info.setdefault(_READ_CACHE, {})
    if key not in cache:
        cache[key] = load()
    return cache[key]


def _forget_reads(session: OrmSession, *_args: Any) -> None:
    session.info.pop(_READ_CACHE, None)


def _forget_on_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        _forget_reads(state.session)


for _name in ("after_flush", "after_commit", "after_rollback", "after_soft_rollback"):
    event.listen(OrmSession, _name, _forget_reads)
event.listen(OrmSession, "do_orm_execute", _forget_on_write)


def capped_count(stmt: Any, limit: Any) -> Any:
    """A statement counting the rows of ``stmt`` (a select) up to ``limit`` (a number or a
    bind parameter): the count never reads past that row, so a page that shows "1,000+" costs
    the same whatever the table holds. Count one past a cap to tell "more than the cap"."""
    # SQLModel's select: ``Session.exec`` then answers the number itself, not a row.
    return sqlmodel_select(func.count()).select_from(stmt.limit(limit).subquery())


def valid_id(ident: Any) -> bool:
    """Ids are positive 32-bit integers; a larger number from a URL cannot name a row (and would
    overflow SQLite's driver), so lookups answer 404 for it."""
    from records.core.validation import MAX_ID

    return isinstance(ident, int) and not isinstance(ident, bool) and 0 < ident <= MAX_ID


def get_or_404(model: type[T], ident: Any) -> T:
    obj = get_session().get(model, ident) if valid_id(ident) else None
    if obj is None:
        abort(404)
    return obj
