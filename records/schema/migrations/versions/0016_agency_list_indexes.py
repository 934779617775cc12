"""The directory's list and the public archive's agency filter read from their indexes.

``ix_agency_jurisdiction`` (jurisdiction) becomes ``ix_agency_juris_name`` (jurisdiction, name):
the agency list is ordered by jurisdiction and name, and with a shared directory of thousands of
agencies each page sorted every entry; a filter on the jurisdiction alone reads the same index.

``ix_recordrequest_agency_id`` (agency) becomes ``ix_request_agency_visibility`` (agency,
visibility): the public archive probes agencies for one public request, and with the visibility
in the index the probe no longer reads each of the agency's requests from the table.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.create_index("ix_agency_juris_name", ["jurisdiction", "name"], unique=False)
        batch_op.drop_index("ix_agency_jurisdiction")
    with op.batch_alter_table("recordrequest", schema=None) as batch_op:
        batch_op.create_index(
            "ix_request_agency_visibility", ["agency_id", "visibility"], unique=False
        )
        batch_op.drop_index("ix_recordrequest_agency_id")


def downgrade() -> None:
    with op.batch_alter_table("recordrequest", schema=None) as batch_op:
        batch_op.create_index("ix_recordrequest_agency_id", ["agency_id"], unique=False)
        batch_op.drop_index("ix_request_agency_visibility")
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.create_index("ix_agency_jurisdiction", ["jurisdiction"], unique=False)
        batch_op.drop_index("ix_agency_juris_name")
