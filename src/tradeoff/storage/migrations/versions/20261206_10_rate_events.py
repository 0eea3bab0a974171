"""Failed logins and public submissions are counted in the database, so the limits hold across server processes.

One new table; keys are stored as SHA-256 only.

Revision ID: 20261206_10
Revises: 20261205_09
Create Date: 2026-12-06 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tradeoff.storage.base import UTCDateTime

revision = "20261206_10"
down_revision = "20261205_09"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_events")),
    )
    op.create_index("ix_rate_events_key_at", "rate_events", ["key_hash", "at"])


def downgrade() -> None:
    op.drop_index("ix_rate_events_key_at", table_name="rate_events")
    op.drop_table("rate_events")
