"""Web sessions can be ended: a per-user session epoch, bumped by a password change or "sign out everywhere".

One new column with a default; existing sessions (epoch 0) stay valid until the first bump.

Revision ID: 20261205_09
Revises: 20261204_08
Create Date: 2026-12-05 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261205_09"
down_revision = "20261204_08"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_epoch")
