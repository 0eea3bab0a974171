"""Saved brief versions (rendered Markdown and a content fingerprint) and technical blockers / risks.

New tables only.

Revision ID: 20261122_07
Revises: 20261122_06
Create Date: 2026-11-22 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tradeoff.storage.base import UTCDateTime

revision = "20261122_07"
down_revision = "20261122_06"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('briefs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('scope_key', sa.String(length=300), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('release', sa.String(length=200), nullable=True),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('markdown', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('saved_by', sa.String(length=254), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_briefs_customer_id_customers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_briefs_product_id_products'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_briefs_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_briefs'))
    )
    with op.batch_alter_table('briefs', schema=None) as batch_op:
        batch_op.create_index('ix_briefs_ws_audience_scope', ['workspace_id', 'audience', 'scope_key', 'number'], unique=False)
        batch_op.create_index(batch_op.f('ix_briefs_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('blockers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('component_id', sa.Integer(), nullable=True),
    sa.Column('extra_optimistic', sa.Float(), nullable=False),
    sa.Column('extra_likely', sa.Float(), nullable=False),
    sa.Column('extra_pessimistic', sa.Float(), nullable=False),
    sa.Column('feature_ids', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('recorded_by', sa.String(length=254), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['component_id'], ['components.id'], name=op.f('fk_blockers_component_id_components'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_blockers_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blockers'))
    )
    with op.batch_alter_table('blockers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blockers_component_id'), ['component_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_blockers_workspace_id'), ['workspace_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('blockers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blockers_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_blockers_component_id'))
    op.drop_table('blockers')
    with op.batch_alter_table('briefs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_briefs_workspace_id'))
        batch_op.drop_index('ix_briefs_ws_audience_scope')
    op.drop_table('briefs')
