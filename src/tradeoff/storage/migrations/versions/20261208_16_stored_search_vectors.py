"""PostgreSQL search reads a stored tsvector: each searchable table gets a generated column `search_fts` (the
first searched column weighted A, the others D) with a GIN index, in place of the GIN index over an expression.
A match and its ranking no longer parse the text of every row they look at. SQLite (FTS5) is unchanged.

Revision ID: 20261208_16
Revises: 20261207_15
Create Date: 2026-12-06 19:10:00
"""

from __future__ import annotations

from alembic import op

from tradeoff.storage import search

revision = "20261208_16"
down_revision = "20261207_15"
branch_labels = None
depends_on = None

# frozen: the tables and columns searched when this revision was written
SEARCHABLE: dict[str, tuple[str, ...]] = {
    "products": ("name", "description"),
    "customers": ("name", "notes", "plan"),
    "feedback": ("text",),
    "problems": ("statement", "persona"),
    "features": ("title", "description"),
    "decisions": ("title", "context", "choice", "rationale"),
}


def upgrade() -> None:
    search.install_pg_vectors(op.get_bind(), SEARCHABLE)


def downgrade() -> None:
    search.uninstall_pg_vectors(op.get_bind(), SEARCHABLE)
