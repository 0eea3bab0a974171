"""Money settings: the currency a workspace totals ARR in, and its exchange rates, so that ARR in other
currencies counts in scores, rankings and plan values instead of being left out.

One new table.

Revision ID: 20261207_15
Revises: 20261207_14
Create Date: 2026-12-06 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tradeoff.storage.base import UTCDateTime

revision = "20261207_15"
down_revision = "20261207_14"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "money_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rates", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                  nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"],
                                name=op.f("fk_money_settings_workspace_id_workspaces"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_money_settings")),
        sa.UniqueConstraint("workspace_id", name="uq_money_settings_workspace_id"),
    )
    with op.batch_alter_table("money_settings") as batch:
        batch.create_index(batch.f("ix_money_settings_workspace_id"), ["workspace_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("money_settings") as batch:
        batch.drop_index(batch.f("ix_money_settings_workspace_id"))
    op.drop_table("money_settings")
