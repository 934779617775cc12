"""Equitable-sharing requests (DAG-71, TD F 92-22.46) with their cases and amounts, and whether
each citation's quoted words were found on its page (existing citations were checked when made).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sharingrequest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('form', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('seizing_agency', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('case_number', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('asset_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('asset', sa.Text(), nullable=False),
    sa.Column('seized_on', sa.Date(), nullable=True),
    sa.Column('forfeited_on', sa.Date(), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=True),
    sa.Column('share_percent', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('amount_requested_cents', sa.BigInteger(), nullable=True),
    sa.Column('decision', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('amount_received_cents', sa.BigInteger(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('quote_state', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('visibility', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sharingrequest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sharingrequest_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sharingrequest_document_id'), ['document_id'], unique=False)
        batch_op.create_index('ix_sharingrequest_org_agency', ['org_id', 'agency_id', 'id'], unique=False)

    with op.batch_alter_table('ledgerfigure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quote_state', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default='checked'))

    with op.batch_alter_table('registerfact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quote_state', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default='checked'))



def downgrade() -> None:
    with op.batch_alter_table('registerfact', schema=None) as batch_op:
        batch_op.drop_column('quote_state')

    with op.batch_alter_table('ledgerfigure', schema=None) as batch_op:
        batch_op.drop_column('quote_state')

    with op.batch_alter_table('sharingrequest', schema=None) as batch_op:
        batch_op.drop_index('ix_sharingrequest_org_agency')
        batch_op.drop_index(batch_op.f('ix_sharingrequest_document_id'))
        batch_op.drop_index(batch_op.f('ix_sharingrequest_agency_id'))

    op.drop_table('sharingrequest')
