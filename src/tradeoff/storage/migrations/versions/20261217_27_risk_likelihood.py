"""A risk's likelihood: the chance the extra work it names is needed, so forecasts can count open blockers (certain)
and risks (at their chance) instead of leaving both out.

Revision ID: 20261217_27
Revises: 20261216_26
Create Date: 2026-12-07 17:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261217_27"
down_revision = "20261216_26"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # risks recorded before this had no chance: they keep being counted as certain, as their impact was
    with op.batch_alter_table("blockers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("likelihood", sa.Float(), nullable=False, server_default="1"))
        batch_op.create_check_constraint(op.f("ck_blockers_likelihood_in_range"), "likelihood > 0 AND likelihood <= 1")


def downgrade() -> None:
    with op.batch_alter_table("blockers", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_blockers_likelihood_in_range"), type_="check")
        batch_op.drop_column("likelihood")
