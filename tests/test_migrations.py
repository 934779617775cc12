"""Migrations build the same schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from records.core.db import make_engine
from records.schema.migrate import downgrade, include_object, upgrade


def _diff(url):
    engine = make_engine(url)
    with engine.connect() as conn, warnings.catch_warnings():
        # SQLite cannot reflect the PostgreSQL-only expression index; migration 0002 owns it.
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        diff = compare_metadata(ctx, SQLModel.metadata)
    engine.dispose()
    return diff


def test_sqlite_migrations_match_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    assert _diff(url) == []
    engine = make_engine(url)
    with engine.begin() as conn:  # the hand-written search index exists and is kept in step
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    engine.dispose()
    assert {"searchentry_fts", "searchentry_ai", "searchentry_au", "searchentry_ad"} <= names
    assert {"auditlog_no_update", "auditlog_no_delete"} <= names
    downgrade(url, "base")
    upgrade(url)


def test_postgres_migrations_match_models():
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        # The PostgreSQL leg of CI sets TEST_DATABASE_URL; on SQLite runs this checks SQLite only.
        return
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE SCHEMA IF NOT EXISTS migration_check"))
    engine.dispose()
    scoped = url + ("&" if "?" in url else "?") + "options=-csearch_path%3Dmigration_check"
    try:
        upgrade(scoped)
        assert _diff(scoped) == []
    finally:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA migration_check CASCADE"))
        engine.dispose()
