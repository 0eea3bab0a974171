"""A commitment remembers the first day its last forecast gives the workspace threshold's chance: the date that
could be promised instead, when the promised one is at risk.

One new nullable date column, empty until the next forecast.

Revision ID: 20261206_12
Revises: 20261206_11
Create Date: 2026-12-06 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261206_12"
down_revision = "20261206_11"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("commitments") as batch:
        batch.add_column(sa.Column("kept_by", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("commitments") as batch:
        batch.drop_column("kept_by")
