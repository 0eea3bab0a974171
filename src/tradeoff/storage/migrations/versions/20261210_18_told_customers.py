"""Closing the loop is recorded: for each feature and each piece of feedback behind it (its own or its problems'),
when the person who asked was told the feature shipped, and by whom, so the list of people to tell shrinks as they
are told.

Revision ID: 20261210_18
Revises: 20261209_17
Create Date: 2026-12-07 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tradeoff.storage.base import UTCDateTime

revision = "20261210_18"
down_revision = "20261209_17"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "told_askers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feature_id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("told_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("told_by", sa.String(length=254), server_default="", nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["feature_id"], ["features.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["feedback_id"], ["feedback.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("feature_id", "feedback_id", name="uq_told_askers"),
    )
    with op.batch_alter_table("told_askers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_told_askers_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_told_askers_feedback_id"), ["feedback_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("told_askers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_told_askers_feedback_id"))
        batch_op.drop_index(batch_op.f("ix_told_askers_workspace_id"))
    op.drop_table("told_askers")
