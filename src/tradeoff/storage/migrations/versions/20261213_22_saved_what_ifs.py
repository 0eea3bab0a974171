"""Saved what-ifs of a plan, compared side by side: each one's changes and its answer against the plan's answer
it was compared with.

Revision ID: 20261213_22
Revises: 20261212_21
Create Date: 2026-12-07 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tradeoff.storage.base import UTCDateTime

revision = "20261213_22"
down_revision = "20261212_21"
branch_labels = None
depends_on = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    op.create_table(
        "saved_what_ifs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("changes", json, nullable=False),
        sa.Column("result", json, nullable=False),
        sa.Column("plan_solved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("compared_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("saved_by", sa.String(length=254), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_saved_what_ifs_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_saved_what_ifs_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_what_ifs")),
    )
    with op.batch_alter_table("saved_what_ifs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_saved_what_ifs_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_saved_what_ifs_workspace_id"), ["workspace_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("saved_what_ifs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_what_ifs_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_saved_what_ifs_plan_id"))
    op.drop_table("saved_what_ifs")
