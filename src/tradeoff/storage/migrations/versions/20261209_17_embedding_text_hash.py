"""Stored embeddings remember which text they were made from (a short hash), so that a vector of text since
edited is known to be stale and is made again, instead of matching the old words; and an index by workspace, kind,
method and id, so similar-item search finds the newest stored vector with one index lookup.

Revision ID: 20261209_17
Revises: 20261208_16
Create Date: 2026-12-07 00:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261209_17"
down_revision = "20261208_16"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("embeddings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_hash", sa.String(length=16), server_default="", nullable=False))
        batch_op.create_index("ix_embeddings_kind_method", ["workspace_id", "record_kind", "method", "id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("embeddings", schema=None) as batch_op:
        batch_op.drop_index("ix_embeddings_kind_method")
        batch_op.drop_column("text_hash")
