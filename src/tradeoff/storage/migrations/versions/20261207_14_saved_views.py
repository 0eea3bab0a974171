"""Saved views: a list's search, filters, sort and archived switch under a name, for one person or shared with
the workspace.

One new table.

Revision ID: 20261207_14
Revises: 20261207_13
Create Date: 2026-12-06 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tradeoff.storage.base import UTCDateTime

revision = "20261207_14"
down_revision = "20261207_13"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("query", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                  nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(length=254), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_saved_views_owner_id_users"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], name=op.f("fk_saved_views_workspace_id_workspaces"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_views")),
    )
    with op.batch_alter_table("saved_views") as batch:
        batch.create_index("ix_saved_views_list", ["workspace_id", "collection"], unique=False)
        batch.create_index(batch.f("ix_saved_views_workspace_id"), ["workspace_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("saved_views") as batch:
        batch.drop_index(batch.f("ix_saved_views_workspace_id"))
        batch.drop_index("ix_saved_views_list")
    op.drop_table("saved_views")
