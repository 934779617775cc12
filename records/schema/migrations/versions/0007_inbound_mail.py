"""Inbound mail: reply mailboxes, reply tokens, received messages; secrets sealed at rest.

Also widens ``orglettersettings.smtp_password`` and encrypts the plain SMTP passwords stored
there before this revision with the instance's key (``SECRETS_KEY``, else ``SECRET_KEY``; see
records.core.secretbox), and gives proposed events a ``data`` column for the values read from
an email. Downgrading decrypts the passwords again.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Mapping
from typing import Any

from alembic import op
import sqlalchemy as sa
import sqlmodel

from records.core import secretbox


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inboundmailbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('imap_host', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('imap_port', sa.Integer(), nullable=True),
    sa.Column('imap_security', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('imap_user', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('imap_password', sa.Text(), nullable=False),
    sa.Column('folder', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('done_folder', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('uidvalidity', sa.Integer(), nullable=True),
    sa.Column('last_uid', sa.Integer(), nullable=False),
    sa.Column('last_fetch_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('org_id')
    )
    op.create_table('replyaddress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['recordrequest.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id'),
    sa.UniqueConstraint('token')
    )
    with op.batch_alter_table('replyaddress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_replyaddress_org_id'), ['org_id'], unique=False)

    op.create_table('inboundmessage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=True),
    sa.Column('dedupe_key', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sender', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('recipients', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('matched_by', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('candidates', sa.Text(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('proposal', sa.Text(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('filed_by', sa.Integer(), nullable=True),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['filed_by'], ['user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['recordrequest.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedupe_key')
    )
    with op.batch_alter_table('inboundmessage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inboundmessage_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inboundmessage_org_id'), ['org_id'], unique=False)
        batch_op.create_index('ix_inboundmessage_org_state', ['org_id', 'state', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inboundmessage_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('orglettersettings', schema=None) as batch_op:
        batch_op.alter_column('smtp_password',
               existing_type=sa.VARCHAR(length=255),
               type_=sqlmodel.sql.sqltypes.AutoString(length=1000),
               existing_nullable=False)

    with op.batch_alter_table('proposedevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data', sa.Text(), nullable=False, server_default='{}'))

    _reseal(secretbox.seal)


def _reseal(change) -> None:
    """Rewrite every stored SMTP password through ``change`` (seal or unseal)."""
    conn = op.get_bind()
    table = sa.table('orglettersettings', sa.column('id'), sa.column('smtp_password'))
    rows = conn.execute(sa.select(table.c.id, table.c.smtp_password).where(table.c.smtp_password != '')).all()
    if not rows:
        return
    config = _instance_config()
    for row_id, value in rows:
        new = change(value, config)
        if new != value:
            conn.execute(table.update().where(table.c.id == row_id).values(smtp_password=new))


def downgrade() -> None:
    _reseal(secretbox.unseal)
    with op.batch_alter_table('proposedevent', schema=None) as batch_op:
        batch_op.drop_column('data')

    with op.batch_alter_table('orglettersettings', schema=None) as batch_op:
        batch_op.alter_column('smtp_password',
               existing_type=sqlmodel.sql.sqltypes.AutoString(length=1000),
               type_=sa.VARCHAR(length=255),
               existing_nullable=False)

    with op.batch_alter_table('inboundmessage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inboundmessage_request_id'))
        batch_op.drop_index('ix_inboundmessage_org_state')
        batch_op.drop_index(batch_op.f('ix_inboundmessage_org_id'))
        batch_op.drop_index(batch_op.f('ix_inboundmessage_message_id'))

    op.drop_table('inboundmessage')
    with op.batch_alter_table('replyaddress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replyaddress_org_id'))

    op.drop_table('replyaddress')
    op.drop_table('inboundmailbox')


def _instance_config() -> Mapping[str, Any]:
    """The running app's settings, or (outside an app, as in a migration) the instance's own."""
    import os
    from pathlib import Path

    try:
        from flask import current_app

        return current_app.config
    except RuntimeError:
        pass
    from records.core.config import load_settings

    instance = os.environ.get("RECORDS_INSTANCE_PATH")
    if not instance:
        from records import create_app

        return create_app().config  # the instance folder the app itself would use
    return load_settings(Path(instance))
