"""Full-text search index (FTS5 table and triggers on SQLite, a GIN tsvector index on PostgreSQL)
and the database-side guard that rejects UPDATE and DELETE on the audit log.

Written by hand: autogenerate cannot express virtual tables, triggers or expression indexes.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PG_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_searchentry_tsv ON searchentry "
    "USING gin (to_tsvector('english', title || ' ' || body))"
)


def upgrade() -> None:
    from records.core.audit import install_db_guard

    install_db_guard(op.get_bind())
    if op.get_bind().dialect.name == "sqlite":
        from records.filing.models import FTS_DDL

        for stmt in FTS_DDL:
            op.execute(stmt)
    else:
        op.execute(PG_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS auditlog_no_update")
        op.execute("DROP TRIGGER IF EXISTS auditlog_no_delete")
        for trigger in ("searchentry_ai", "searchentry_ad", "searchentry_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS searchentry_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_searchentry_tsv")
        op.execute("DROP FUNCTION IF EXISTS auditlog_append_only() CASCADE")
