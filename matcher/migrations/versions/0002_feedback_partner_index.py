"""seed the revision counter; index feedback by partner

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 16:00:00

The ``revision`` row exists from the start, so that every write can bump it with one atomic UPDATE (no race between
two first writers inserting it). Feedback is looked up by ``partner_id`` when a partner is deleted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Text))
    connection = op.get_bind()
    if connection.execute(sa.select(meta.c.key).where(meta.c.key == "revision")).first() is None:
        op.bulk_insert(meta, [{"key": "revision", "value": "0"}])
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_partner_id"), ["partner_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_partner_id"))
