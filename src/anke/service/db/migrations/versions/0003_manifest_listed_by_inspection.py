"""a submission's manifest is listed by its first inspection

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import anke.service.db.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.add_column(sa.Column("manifest_listed_at",
                                      anke.service.db.base.UTCDateTime(timezone=True),
                                      nullable=True))
    # manifests stored before this revision were listed at upload
    op.execute("UPDATE submission SET manifest_listed_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("submission", schema=None) as batch_op:
        batch_op.drop_column("manifest_listed_at")
