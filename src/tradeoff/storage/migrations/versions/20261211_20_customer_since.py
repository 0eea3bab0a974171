"""When a customer became one (the CRM's "customer since"): demand counts a customer as new for 90 days from that
day, not from the day the record was made in Tradeoff (a workspace set up today would count everyone as new).

Revision ID: 20261211_20
Revises: 20261210_19
Create Date: 2026-12-07 06:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261211_20"
down_revision = "20261210_19"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_since", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("customer_since")
