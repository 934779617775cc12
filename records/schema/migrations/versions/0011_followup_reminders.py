"""Reminders for the register's follow-ups: one per person, follow-up and day.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index(
            'uq_reminder_followup',
            ['user_id', 'clock', 'due'],
            unique=True,
            sqlite_where=sa.text("kind = 'followup'"),
            postgresql_where=sa.text("kind = 'followup'"),
        )


def downgrade() -> None:
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index(
            'uq_reminder_followup',
            sqlite_where=sa.text("kind = 'followup'"),
            postgresql_where=sa.text("kind = 'followup'"),
        )
