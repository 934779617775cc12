"""Search indexes letters, events and agencies too; PostgreSQL ranks on a stored tsvector.

``searchentry`` gains ``agency_id`` and ``on`` (for facets and the date filter) and its
``request_id`` becomes optional (an agency's own entry has none). On PostgreSQL the expression
index over ``to_tsvector(title || ' ' || body)`` is replaced by a stored, generated ``tsv``
column (title weighted A, body B) with a GIN index, so ranking reads the stored vector instead
of recomputing it for every match. The index is then rebuilt from the rows (backfill).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_searchentry_tsv")
    with op.batch_alter_table("searchentry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("on", sa.Date(), nullable=True))
        batch_op.alter_column("request_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index("ix_searchentry_org_kind", ["org_id", "kind"], unique=False)
    if bind.dialect.name == "sqlite":
        from records.filing.models import FTS_DDL

        # batch mode rebuilt the table, which drops its triggers: put them back.
        for stmt in FTS_DDL:
            op.execute(stmt)
    else:
        from records.filing.models import PG_TSV

        for stmt in PG_TSV:
            op.execute(stmt)
    # With today's models: skipped when a later migration changed an indexed table (that
    # migration rebuilds the index once its columns exist).
    from records.schema.migrate import reindex_if_current

    reindex_if_current(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.execute("DROP INDEX IF EXISTS ix_searchentry_tsv")
        op.execute("ALTER TABLE searchentry DROP COLUMN IF EXISTS tsv")
    op.execute("DELETE FROM searchentry WHERE request_id IS NULL")
    with op.batch_alter_table("searchentry", schema=None) as batch_op:
        batch_op.drop_index("ix_searchentry_org_kind")
        batch_op.alter_column("request_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("on")
        batch_op.drop_column("agency_id")
    if bind.dialect.name == "sqlite":
        from records.filing.models import FTS_DDL

        for stmt in FTS_DDL:
            op.execute(stmt)
        op.execute("INSERT INTO searchentry_fts(searchentry_fts) VALUES ('rebuild')")
    else:
        op.execute(
            "CREATE INDEX IF NOT EXISTS ix_searchentry_tsv ON searchentry "
            "USING gin (to_tsvector('english', title || ' ' || body))"
        )
