"""The agreement register and forfeiture ledger: entries, cited facts, ESAC figures, facts
proposed from filed documents and the follow-up requests the register suggests.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agreement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uid', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('federal_agency_id', sa.Integer(), nullable=True),
    sa.Column('federal_component', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('visibility', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('embargo_until', sa.Date(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['federal_agency_id'], ['agency.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['recordrequest.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('uid')
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_agreement_org', ['org_id', 'id'], unique=False)

    op.create_table('followup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('remind_on', sa.Date(), nullable=True),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['recordrequest.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agreement_id', 'kind', 'due', name='uq_followup_key')
    )
    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index('ix_followup_org_remind', ['org_id', 'remind_on'], unique=False)

    op.create_table('ledgerfigure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('fund', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('line', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('visibility', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('org_id', 'agency_id', 'fiscal_year', 'fund', 'line', name='uq_ledger_line')
    )
    with op.batch_alter_table('ledgerfigure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledgerfigure_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledgerfigure_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledgerfigure_org_id'), ['org_id'], unique=False)

    op.create_table('registerfact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('on', sa.Date(), nullable=True),
    sa.Column('tally', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('page', sa.Integer(), nullable=True),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('registerfact', schema=None) as batch_op:
        batch_op.create_index('ix_registerfact_agreement', ['agreement_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registerfact_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registerfact_org_id'), ['org_id'], unique=False)

    op.create_table('registerproposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('on', sa.Date(), nullable=True),
    sa.Column('tally', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('fund', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=True),
    sa.Column('amount_cents', sa.BigInteger(), nullable=True),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['recordrequest.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('registerproposal', schema=None) as batch_op:
        batch_op.create_index('ix_registerproposal_document', ['document_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registerproposal_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registerproposal_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('registerproposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registerproposal_request_id'))
        batch_op.drop_index(batch_op.f('ix_registerproposal_org_id'))
        batch_op.drop_index('ix_registerproposal_document')

    op.drop_table('registerproposal')
    with op.batch_alter_table('registerfact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registerfact_org_id'))
        batch_op.drop_index(batch_op.f('ix_registerfact_document_id'))
        batch_op.drop_index('ix_registerfact_agreement')

    op.drop_table('registerfact')
    with op.batch_alter_table('ledgerfigure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledgerfigure_org_id'))
        batch_op.drop_index(batch_op.f('ix_ledgerfigure_document_id'))
        batch_op.drop_index(batch_op.f('ix_ledgerfigure_agency_id'))

    op.drop_table('ledgerfigure')
    with op.batch_alter_table('followup', schema=None) as batch_op:
        batch_op.drop_index('ix_followup_org_remind')
        batch_op.drop_index(batch_op.f('ix_followup_agreement_id'))

    op.drop_table('followup')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.drop_index('ix_agreement_org')
        batch_op.drop_index(batch_op.f('ix_agreement_agency_id'))

    op.drop_table('agreement')
