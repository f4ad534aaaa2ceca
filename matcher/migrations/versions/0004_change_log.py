"""change log: the delta of every store revision, for processes that catch up

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 15:00:00

Each write adds one row in its own transaction (``matcher.store.changes.record_change``). A process at revision ``r``
applies the rows after ``r`` to its snapshot instead of reloading the store; a store upgraded from 0003 has no rows
for its earlier revisions, so a process behind it rebuilds once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("revision", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("delta", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False
        ),
        sa.PrimaryKeyConstraint("revision"),
    )


def downgrade() -> None:
    op.drop_table("changes")
