"""the result cache: detector results by content address

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "result_cache",
        sa.Column("key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("used", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_result_cache")),
    )
    with op.batch_alter_table("result_cache", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_result_cache_used"), ["used"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("result_cache", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_result_cache_used"))
    op.drop_table("result_cache")
