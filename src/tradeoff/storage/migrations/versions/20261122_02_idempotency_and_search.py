"""Idempotency keys for batch creates, and full-text search on the core records.

Revision ID: 20261122_02
Revises: 20261122_01
Create Date: 2026-11-22 21:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tradeoff.storage import search
from tradeoff.storage.base import UTCDateTime

revision = "20261122_02"
down_revision = "20261122_01"
branch_labels = None
depends_on = None

# Frozen copy: later migrations that change what is searched add their own revision.
SEARCHABLE = {
    "products": ("name", "description"),
    "customers": ("name", "notes", "plan"),
    "feedback": ("text",),
    "problems": ("statement", "persona"),
    "features": ("title", "description"),
}


def upgrade() -> None:
    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=60), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_idempotency_keys_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('workspace_id', 'scope', 'key', name=op.f('uq_idempotency_keys_workspace_id'))
    )
    search.install(op.get_bind(), SEARCHABLE)


def downgrade() -> None:
    search.uninstall(op.get_bind(), SEARCHABLE)
    op.drop_table("idempotency_keys")
