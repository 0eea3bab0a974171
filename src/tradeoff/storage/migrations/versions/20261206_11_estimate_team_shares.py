"""A feature's work can be shared between teams: an estimate gets other teams' shares of the effort.

One new JSON column, empty for every existing estimate (its team does all the work, as before).

Revision ID: 20261206_11
Revises: 20261206_10
Create Date: 2026-12-06 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "20261206_11"
down_revision = "20261206_10"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("estimates") as batch:
        batch.add_column(sa.Column(
            "team_shares", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            server_default=sa.text("'{}'"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("estimates") as batch:
        batch.drop_column("team_shares")
