"""Strategy, money sizing, scoring, stakeholder votes, decisions and competitors.

New tables only, plus two nullable columns on products (stage, criteria_weights): adding a nullable column
does not make SQLite's batch mode rebuild the table, so the products search triggers survive. The decision
log gets its own full-text search structures.

Revision ID: 20261122_04
Revises: 20261122_03
Create Date: 2026-11-22 21:56:58.779164
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tradeoff.storage import search
from tradeoff.storage.base import UTCDateTime

revision = '20261122_04'
down_revision = '20261122_03'
branch_labels = None
depends_on = None

# Frozen copy of what this revision makes searchable.
SEARCHABLE: dict[str, tuple[str, ...]] = {"decisions": ("title", "context", "choice", "rationale")}


def upgrade() -> None:
    op.create_table('competitors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_competitors_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competitors')),
    sa.UniqueConstraint('workspace_id', 'name', name=op.f('uq_competitors_workspace_id'))
    )
    with op.batch_alter_table('competitors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competitors_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('scoring_formulas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_scoring_formulas_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_formulas')),
    sa.UniqueConstraint('workspace_id', 'name', name=op.f('uq_scoring_formulas_workspace_id'))
    )
    with op.batch_alter_table('scoring_formulas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_formulas_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('scoring_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('default_framework', sa.String(length=60), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_scoring_settings_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_settings')),
    sa.UniqueConstraint('workspace_id', name=op.f('uq_scoring_settings_workspace_id'))
    )
    with op.batch_alter_table('scoring_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_settings_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('context', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('choice', sa.String(length=300), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('disappointed', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('decided_by', sa.String(length=254), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_decisions_product_id_products'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_decisions_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_workspace_id'), ['workspace_id'], unique=False)
        batch_op.create_index('ix_decisions_ws_decided', ['workspace_id', 'decided_on', 'id'], unique=False)

    op.create_table('objectives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('key_results', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('archived_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_objectives_product_id_products'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_objectives_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objectives'))
    )
    with op.batch_alter_table('objectives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objectives_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_objectives_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('business_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feature_id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=True),
    sa.Column('effort_person_weeks', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('cost_per_person_week', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('run_cost_per_year', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('alternative_name', sa.String(length=200), nullable=True),
    sa.Column('alternative_cost', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('alternative_one_off', sa.Boolean(), nullable=False),
    sa.Column('horizon_years', sa.Integer(), nullable=False),
    sa.Column('discount_rate', sa.Float(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['feature_id'], ['features.id'], name=op.f('fk_business_cases_feature_id_features'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], name=op.f('fk_business_cases_problem_id_problems'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_business_cases_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_cases')),
    sa.UniqueConstraint('feature_id', name=op.f('uq_business_cases_feature_id'))
    )
    with op.batch_alter_table('business_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_cases_problem_id'), ['problem_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_business_cases_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('competitor_capabilities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('competitor_id', sa.Integer(), nullable=False),
    sa.Column('feature_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['competitor_id'], ['competitors.id'], name=op.f('fk_competitor_capabilities_competitor_id_competitors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feature_id'], ['features.id'], name=op.f('fk_competitor_capabilities_feature_id_features'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_competitor_capabilities_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competitor_capabilities')),
    sa.UniqueConstraint('competitor_id', 'feature_id', name=op.f('uq_competitor_capabilities_competitor_id'))
    )
    with op.batch_alter_table('competitor_capabilities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competitor_capabilities_feature_id'), ['feature_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_competitor_capabilities_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('decision_features',
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('feature_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_features_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feature_id'], ['features.id'], name=op.f('fk_decision_features_feature_id_features'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('decision_id', 'feature_id', name=op.f('pk_decision_features'))
    )
    with op.batch_alter_table('decision_features', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_features_feature_id'), ['feature_id'], unique=False)

    op.create_table('decision_feedback',
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_feedback_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_decision_feedback_feedback_id_feedback'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('decision_id', 'feedback_id', name=op.f('pk_decision_feedback'))
    )
    with op.batch_alter_table('decision_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_feedback_feedback_id'), ['feedback_id'], unique=False)

    op.create_table('decision_problems',
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_problems_decision_id_decisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], name=op.f('fk_decision_problems_problem_id_problems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('decision_id', 'problem_id', name=op.f('pk_decision_problems'))
    )
    with op.batch_alter_table('decision_problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_problems_problem_id'), ['problem_id'], unique=False)

    op.create_table('objective_features',
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.Column('feature_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['feature_id'], ['features.id'], name=op.f('fk_objective_features_feature_id_features'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_objective_features_objective_id_objectives'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('objective_id', 'feature_id', name=op.f('pk_objective_features'))
    )
    with op.batch_alter_table('objective_features', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objective_features_feature_id'), ['feature_id'], unique=False)

    op.create_table('objective_problems',
    sa.Column('objective_id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['objective_id'], ['objectives.id'], name=op.f('fk_objective_problems_objective_id_objectives'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], name=op.f('fk_objective_problems_problem_id_problems'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('objective_id', 'problem_id', name=op.f('pk_objective_problems'))
    )
    with op.batch_alter_table('objective_problems', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objective_problems_problem_id'), ['problem_id'], unique=False)

    op.create_table('problem_sizes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('problem_id', sa.Integer(), nullable=False),
    sa.Column('customers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('customers_segment', sa.String(length=20), nullable=True),
    sa.Column('cost_per_customer', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('revenue_share', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('revenue_per_customer', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('capture', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['problem_id'], ['problems.id'], name=op.f('fk_problem_sizes_problem_id_problems'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_problem_sizes_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_problem_sizes')),
    sa.UniqueConstraint('problem_id', name=op.f('uq_problem_sizes_problem_id'))
    )
    with op.batch_alter_table('problem_sizes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_problem_sizes_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('scoring_inputs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feature_id', sa.Integer(), nullable=False),
    sa.Column('values', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['feature_id'], ['features.id'], name=op.f('fk_scoring_inputs_feature_id_features'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_scoring_inputs_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_inputs')),
    sa.UniqueConstraint('feature_id', name=op.f('uq_scoring_inputs_feature_id'))
    )
    with op.batch_alter_table('scoring_inputs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scoring_inputs_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('stakeholder_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feature_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('voter', sa.String(length=254), nullable=False),
    sa.Column('group', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['feature_id'], ['features.id'], name=op.f('fk_stakeholder_votes_feature_id_features'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_stakeholder_votes_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_stakeholder_votes_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stakeholder_votes')),
    sa.UniqueConstraint('feature_id', 'user_id', name=op.f('uq_stakeholder_votes_feature_id'))
    )
    with op.batch_alter_table('stakeholder_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stakeholder_votes_feature_id'), ['feature_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stakeholder_votes_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stakeholder_votes_workspace_id'), ['workspace_id'], unique=False)

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('criteria_weights', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True))

    search.install(op.get_bind(), SEARCHABLE)



def downgrade() -> None:
    search.uninstall(op.get_bind(), SEARCHABLE)
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('criteria_weights')
        batch_op.drop_column('stage')

    with op.batch_alter_table('stakeholder_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stakeholder_votes_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_stakeholder_votes_user_id'))
        batch_op.drop_index(batch_op.f('ix_stakeholder_votes_feature_id'))

    op.drop_table('stakeholder_votes')
    with op.batch_alter_table('scoring_inputs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scoring_inputs_workspace_id'))

    op.drop_table('scoring_inputs')
    with op.batch_alter_table('problem_sizes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_problem_sizes_workspace_id'))

    op.drop_table('problem_sizes')
    with op.batch_alter_table('objective_problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objective_problems_problem_id'))

    op.drop_table('objective_problems')
    with op.batch_alter_table('objective_features', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objective_features_feature_id'))

    op.drop_table('objective_features')
    with op.batch_alter_table('decision_problems', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_problems_problem_id'))

    op.drop_table('decision_problems')
    with op.batch_alter_table('decision_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_feedback_feedback_id'))

    op.drop_table('decision_feedback')
    with op.batch_alter_table('decision_features', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_features_feature_id'))

    op.drop_table('decision_features')
    with op.batch_alter_table('competitor_capabilities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competitor_capabilities_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_competitor_capabilities_feature_id'))

    op.drop_table('competitor_capabilities')
    with op.batch_alter_table('business_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_cases_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_business_cases_problem_id'))

    op.drop_table('business_cases')
    with op.batch_alter_table('objectives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objectives_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_objectives_product_id'))

    op.drop_table('objectives')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_ws_decided')
        batch_op.drop_index(batch_op.f('ix_decisions_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_product_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('scoring_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scoring_settings_workspace_id'))

    op.drop_table('scoring_settings')
    with op.batch_alter_table('scoring_formulas', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scoring_formulas_workspace_id'))

    op.drop_table('scoring_formulas')
    with op.batch_alter_table('competitors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competitors_workspace_id'))

    op.drop_table('competitors')
