"""A version (the ETag) on links, comments and webhooks, so their PATCH and DELETE honour If-Match as the core
records do. Existing rows start at version 1.

Revision ID: 20261212_21
Revises: 20261211_20
Create Date: 2026-12-12 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261212_21"
down_revision = "20261211_20"
branch_labels = None
depends_on = None

TABLES = ("links", "comments", "webhooks")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
