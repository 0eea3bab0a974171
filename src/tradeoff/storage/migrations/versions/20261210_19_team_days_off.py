"""Days off for a whole team (public holidays, a company shutdown): every member is away on them, so the team's
capacity, its plan and its forecast count them once for all, not per member.

Revision ID: 20261210_19
Revises: 20261210_18
Create Date: 2026-12-07 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "20261210_19"
down_revision = "20261210_18"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("days_off", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()),
                                                                          "postgresql"),
                                      server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_column("days_off")
