"""Indexes a workspace with tens of thousands of feedback items needs: a record's evidence read by workspace and
target, duplicates looked up by the item they duplicate, the feedback list sorted by when items were added, and the
work history's fingerprint (its newest change).

Revision ID: 20261215_25
Revises: 20261214_24
Create Date: 2026-12-07 11:15:00
"""

from __future__ import annotations

from alembic import op

revision = "20261215_25"
down_revision = "20261214_24"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.create_index("ix_links_ws_feature", ["workspace_id", "feature_id"], unique=False)
        batch_op.create_index("ix_links_ws_problem", ["workspace_id", "problem_id"], unique=False)
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index("ix_feedback_ws_duplicate_of", ["workspace_id", "duplicate_of_id"], unique=False)
        batch_op.create_index("ix_feedback_ws_created", ["workspace_id", "created_at", "id"], unique=False)
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.create_index("ix_work_items_ws_updated", ["workspace_id", "updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("work_items", schema=None) as batch_op:
        batch_op.drop_index("ix_work_items_ws_updated")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_ws_created")
        batch_op.drop_index("ix_feedback_ws_duplicate_of")
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_index("ix_links_ws_problem")
        batch_op.drop_index("ix_links_ws_feature")
