"""Two free-text columns as wide as their forms allow: a problem's segment and a customer's plan take up to 200
characters. The API accepted that many, but PostgreSQL's columns held only 20 and 100 and refused longer ones.

PostgreSQL only: SQLite does not enforce a declared length, so its tables already hold such values (and
rebuilding a table there to restate the length would have to drop a table other tables point at).
Widening keeps every value; narrowing back could cut longer ones, so downgrade leaves the widths as they are.

Revision ID: 20261207_13
Revises: 20261206_12
Create Date: 2026-12-06 07:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261207_13"
down_revision = "20261206_12"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column("problems", "segment", type_=sa.String(200), existing_type=sa.String(20), existing_nullable=False)
    op.alter_column("customers", "plan", type_=sa.String(200), existing_type=sa.String(100), existing_nullable=False)


def downgrade() -> None:
    """Nothing to undo without risking data: the wider columns hold everything the narrower ones did."""
