"""Feedback whose date is unknown: a CSV without a date column used to date every row on the day it was imported,
so a historical dump looked like a rush of new feedback (trends "rising", "from the last 7 days"). Such an item is
now marked, its `reported_at` being only when it was imported, and is left out of everything that reads recency.

Rows already imported that way cannot be told apart from feedback really given on its import day: they stay dated.

Revision ID: 20261218_28
Revises: 20261217_27
Create Date: 2026-12-07 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261218_28"
down_revision = "20261217_27"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # added in place (no batch rebuild): on SQLite a rebuilt feedback table would lose its full-text search triggers
    op.add_column("feedback", sa.Column("date_unknown", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    # dropped in place too: SQLite (3.35 and later) and PostgreSQL both drop a plain column without a rebuild
    op.execute("ALTER TABLE feedback DROP COLUMN date_unknown")
