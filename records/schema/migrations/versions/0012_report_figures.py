"""Report cards: each request's answering figures, kept current as its clocks are recomputed.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'requestfigure',
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('org_id', sa.Integer(), nullable=False),
        sa.Column('received_on', sa.Date(), nullable=False),
        sa.Column('received_year', sa.Integer(), nullable=False),
        sa.Column('acknowledged_on', sa.Date(), nullable=True),
        sa.Column('answered_on', sa.Date(), nullable=True),
        sa.Column('ack_calendar_days', sa.Integer(), nullable=True),
        sa.Column('ack_business_days', sa.Integer(), nullable=True),
        sa.Column('answer_calendar_days', sa.Integer(), nullable=True),
        sa.Column('answer_business_days', sa.Integer(), nullable=True),
        sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('exemptions', sa.Text(), nullable=False),
        sa.Column('appeal_filed_on', sa.Date(), nullable=True),
        sa.Column('appeal_outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('fee_asked_cents', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['request_id'], ['recordrequest.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('request_id'),
    )
    op.create_index(op.f('ix_requestfigure_org_id'), 'requestfigure', ['org_id'], unique=False)
    op.create_index(
        op.f('ix_requestfigure_received_year'), 'requestfigure', ['received_year'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_requestfigure_received_year'), table_name='requestfigure')
    op.drop_index(op.f('ix_requestfigure_org_id'), table_name='requestfigure')
    op.drop_table('requestfigure')
