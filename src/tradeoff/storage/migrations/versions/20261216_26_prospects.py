"""Prospects and their open deals: a customer record is a paying customer or a prospect, and either can have an open
deal (its expected ARR and expected close), so the demand behind a feature counts the pipeline waiting on it beside
the ARR already won.

Revision ID: 20261216_26
Revises: 20261215_25
Create Date: 2026-12-07 14:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tradeoff.storage import search

revision = "20261216_26"
down_revision = "20261215_25"
branch_labels = None
depends_on = None


# the columns full-text search reads on customers, frozen as of this revision
_SEARCHED: dict[str, tuple[str, ...]] = {"customers": ("name", "notes", "plan")}


def upgrade() -> None:
    # columns added in place: on SQLite a rebuilt table would lose the full-text search triggers
    op.add_column("customers", sa.Column("lifecycle", sa.String(10), nullable=False, server_default="customer"))
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds no table constraint to a table, but a column's own
        op.execute("ALTER TABLE customers ADD COLUMN deal_value NUMERIC(14, 2) DEFAULT '0' NOT NULL "
                   "CONSTRAINT ck_customers_deal_value_not_negative CHECK (deal_value >= 0)")
    else:
        op.add_column("customers", sa.Column("deal_value", sa.Numeric(14, 2), nullable=False, server_default="0"))
        op.create_check_constraint(op.f("ck_customers_deal_value_not_negative"), "customers", "deal_value >= 0")
    op.add_column("customers", sa.Column("deal_close", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_customers_deal_value_not_negative"), type_="check")
        batch_op.drop_column("deal_close")
        batch_op.drop_column("deal_value")
        batch_op.drop_column("lifecycle")
    if op.get_bind().dialect.name == "sqlite":  # the table was rebuilt: its search triggers with it
        search.uninstall(op.get_bind(), _SEARCHED)
        search.install(op.get_bind(), _SEARCHED)
