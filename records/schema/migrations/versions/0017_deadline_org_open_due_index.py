"""The dashboard's and the calendar's deadline reads stay within one organization's index range.

``ix_deadline_org_open_due`` (organization, state, due): the dashboard's overdue and due-this-week
counts and lists, and the month calendar, read one organization's open deadlines in a window
of days. Through ``ix_deadline_open_due`` (state, due) they walked every organization's open
deadlines in that window and dropped the others', so on an instance shared by many
organizations each dashboard cost grew with the whole instance. The sweep, which does read every
organization's due deadlines, keeps ``ix_deadline_open_due``.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.create_index("ix_deadline_org_open_due", ["org_id", "state", "due"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deadline", schema=None) as batch_op:
        batch_op.drop_index("ix_deadline_org_open_due")
