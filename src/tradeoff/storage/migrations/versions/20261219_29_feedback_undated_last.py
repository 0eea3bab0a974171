"""The feedback list puts feedback of unknown date after the dated (it was dated only when it was imported, so it
sorted as the newest): the list reads the dated part, then the undated part, each on this index in either order.

Revision ID: 20261219_29
Revises: 20261218_28
Create Date: 2026-12-07 21:20:00
"""

from __future__ import annotations

from alembic import op

revision = "20261219_29"
down_revision = "20261218_28"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain CREATE INDEX (no batch rebuild): a rebuilt feedback table would lose SQLite's full-text search triggers
    op.create_index("ix_feedback_ws_dated", "feedback", ["workspace_id", "date_unknown", "reported_at", "id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_feedback_ws_dated", table_name="feedback")
