"""Office closure days: an organization's closures for its agencies, and instance-wide ones.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agencyclosure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("month_day", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_agencyclosure_agency", "agencyclosure", ["agency_id", "org_id"])
    op.create_index(op.f("ix_agencyclosure_org_id"), "agencyclosure", ["org_id"])
    op.create_table(
        "statewideclosure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_statewideclosure_juris_on", "statewideclosure", ["jurisdiction", "on"], unique=True
    )


def downgrade() -> None:
    op.drop_index("ix_statewideclosure_juris_on", table_name="statewideclosure")
    op.drop_table("statewideclosure")
    op.drop_index(op.f("ix_agencyclosure_org_id"), table_name="agencyclosure")
    op.drop_index("ix_agencyclosure_agency", table_name="agencyclosure")
    op.drop_table("agencyclosure")
