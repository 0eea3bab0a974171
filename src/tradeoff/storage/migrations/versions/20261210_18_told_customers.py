"""Closing the loop is recorded: each piece of evidence linked to a feature remembers when its customer was told
the feature shipped, and by whom, so the list of people to tell shrinks as they are told.

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
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.add_column(sa.Column("told_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("told_by", sa.String(length=254), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_column("told_by")
        batch_op.drop_column("told_at")
