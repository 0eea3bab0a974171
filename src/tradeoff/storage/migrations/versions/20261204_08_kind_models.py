"""A fine-tuned feedback-kind model per workspace (adapters of the local sentence model, the `ml` extra).

New table only.

Revision ID: 20261204_08
Revises: 20261122_07
Create Date: 2026-12-04 20:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tradeoff.storage.base import UTCDateTime

revision = "20261204_08"
down_revision = "20261122_07"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kind_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=80), nullable=False),
        sa.Column("classes", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                  nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("corrections", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("weights", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_kind_models_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kind_models")),
        sa.UniqueConstraint("workspace_id", name=op.f("uq_kind_models_workspace_id")),
    )
    with op.batch_alter_table("kind_models", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kind_models_workspace_id"), ["workspace_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("kind_models", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kind_models_workspace_id"))
    op.drop_table("kind_models")
