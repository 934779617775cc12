"""The audit trail: every insert, update and delete of organization-owned rows, append-only.

A session listener records each change at flush time, in the same transaction as the change, so
an audit row exists exactly when the change was committed. A table is audited when its model has
an ``org_id`` column (or is ``Organization`` itself) and does not set ``__audit__ = False``.
Secrets (password and token hashes) are never copied into the log.

Limits: changes made with bulk ``update()``/``delete()`` statements and rows removed by database
``ON DELETE CASCADE`` bypass the ORM flush and are not recorded row by row.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask import Flask, g, has_request_context, request
from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.orm import ORMExecuteState, Session

from records.core.audit_models import AuditLog
from records.core.clock import utc_now
from records.core.models import Organization

log = logging.getLogger(__name__)

SECRET_MARKERS = ("password", "token_hash", "secret", "_hash")
_cli_actor: ContextVar[int | None] = ContextVar("audit_cli_actor", default=None)
_SNAPSHOT_KEY = "records_audit_deleted"


class AuditImmutable(RuntimeError):
    """Raised when code tries to change or delete an audit row."""


@contextmanager
def acting_as(user_id: int | None) -> Iterator[None]:
    """Attribute changes made inside this block (CLI commands, jobs) to ``user_id``."""
    token = _cli_actor.set(user_id)
    try:
        yield
    finally:
        _cli_actor.reset(token)


def is_audited(obj: Any) -> bool:
    """True for organization-owned mapped rows (and organizations themselves)."""
    cls = type(obj)
    if not getattr(cls, "__audit__", True) or isinstance(obj, AuditLog):
        return False
    if isinstance(obj, Organization):
        return True
    mapper = inspect(cls, raiseerr=False)
    return mapper is not None and "org_id" in mapper.columns


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def _secret(key: str) -> bool:
    return any(marker in key.lower() for marker in SECRET_MARKERS)


def _column_keys(obj: Any) -> list[str]:
    return [attr.key for attr in inspect(type(obj)).column_attrs]


def _snapshot(obj: Any) -> dict[str, Any]:
    state = inspect(obj)
    out: dict[str, Any] = {}
    for key in _column_keys(obj):
        if _secret(key):
            out[key] = "[redacted]"
        elif key not in state.unloaded:
            out[key] = _jsonable(getattr(obj, key))
    return out


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _column_keys(obj):
        hist = state.attrs[key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old == new and hist.deleted:
            continue
        if _secret(key):
            before[key] = after[key] = "[changed]"
        else:
            before[key], after[key] = _jsonable(old), _jsonable(new)
    return before, after


def _object_id(obj: Any) -> str:
    ident = inspect(type(obj)).primary_key_from_instance(obj)
    return ",".join("" if part is None else str(part) for part in ident)


def _org_of(obj: Any, values: dict[str, Any] | None = None) -> int | None:
    if isinstance(obj, Organization):
        return obj.id
    org_id = getattr(obj, "org_id", None)
    if org_id is None and values:
        org_id = values.get("org_id")
    return org_id


def current_actor() -> tuple[int | None, str]:
    """(user id, client address) of whoever is acting now, without touching the database."""
    if has_request_context():
        user = getattr(g, "api_user", None) or g.get("_login_user")
        actor = getattr(user, "id", None) if user is not None else None
        if actor is None:
            actor = g.get("audit_actor_id")
        return actor, (request.remote_addr or "")[:64]
    return _cli_actor.get(), ""


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditLog):
            raise AuditImmutable("audit rows are append-only")
    # Deleted rows may be expired; load their values now, while the row still exists.
    session.info[_SNAPSHOT_KEY] = {
        id(obj): _snapshot(obj) for obj in session.deleted if is_audited(obj)
    }


def _after_flush(session: Session, _ctx: Any) -> None:
    actor, ip = current_actor()
    now = utc_now()
    snapshots = session.info.pop(_SNAPSHOT_KEY, {})
    rows: list[dict[str, Any]] = []

    def add(obj: Any, action: str, before: Any, after: Any) -> None:
        rows.append(
            {
                "org_id": _org_of(obj, before or after),
                "actor_id": actor,
                "ip": ip,
                "at": now,
                "action": action,
                "object_type": type(obj).__tablename__,
                "object_id": _object_id(obj),
                "before": before,
                "after": after,
            }
        )

    for obj in session.new:
        if is_audited(obj):
            add(obj, "insert", None, _snapshot(obj))
    for obj in session.dirty:
        if is_audited(obj) and session.is_modified(obj, include_collections=False):
            before, after = _changes(obj)
            if after:
                add(obj, "update", before, after)
    for obj in session.deleted:
        if is_audited(obj):
            add(obj, "delete", snapshots.get(id(obj)) or _snapshot(obj), None)
    if rows:
        session.connection().execute(AuditLog.__table__.insert(), rows)  # type: ignore[attr-defined]  # set on table models at runtime
        log.info(
            "audit: %d change(s) by user %s",
            len(rows),
            actor,
            extra={"user_id": actor, "action": "audit"},
        )


def _guard_bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_ is AuditLog:
        raise AuditImmutable("audit rows are append-only")


def install() -> None:
    """Attach the listeners to every ORM session (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _guard_bulk)


def init_app(app: Flask) -> None:
    """Called by create_app: audit every change made through the ORM."""
    install()
    app.extensions["audit"] = True


SQLITE_GUARD = (
    "CREATE TRIGGER IF NOT EXISTS auditlog_no_update BEFORE UPDATE ON auditlog "
    "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS auditlog_no_delete BEFORE DELETE ON auditlog "
    "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END",
)
PG_GUARD = (
    """CREATE OR REPLACE FUNCTION auditlog_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit rows are append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql""",
    "DROP TRIGGER IF EXISTS auditlog_append_only ON auditlog",
    "CREATE TRIGGER auditlog_append_only BEFORE UPDATE OR DELETE ON auditlog "
    "FOR EACH ROW EXECUTE FUNCTION auditlog_append_only()",
)


def install_db_guard(conn: Connection) -> None:
    """Create database triggers that reject UPDATE and DELETE on the audit table.

    Call from a migration (``install_db_guard(op.get_bind())``). Safe to run twice.
    """
    statements = PG_GUARD if conn.dialect.name == "postgresql" else SQLITE_GUARD
    for sql in statements:
        conn.exec_driver_sql(sql)
