"""The requests of one status, most recently updated first, read from one index.

``ix_request_org_status`` (organization, status) becomes ``ix_request_org_status_updated``
(organization, status, updated, and the visibility columns): the dashboard's "waiting on us"
list reads its ten rows from the index instead of walking every request in update order, and
the counts by status stay inside the index.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = ["org_id", "status", "updated_at", "visibility", "created_by", "assignee_id"]


def upgrade() -> None:
    with op.batch_alter_table("recordrequest", schema=None) as batch_op:
        batch_op.create_index("ix_request_org_status_updated", COLUMNS, unique=False)
        batch_op.drop_index("ix_request_org_status")


def downgrade() -> None:
    with op.batch_alter_table("recordrequest", schema=None) as batch_op:
        batch_op.create_index("ix_request_org_status", ["org_id", "status"], unique=False)
        batch_op.drop_index("ix_request_org_status_updated")
