"""Per-organisation data keys, stored only wrapped by the master key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from anke.service.db.base import Base, UTCDateTime, utcnow


class DataKey(Base):
    """One data key of an organisation: wrapped bytes and the master key that wrapped them.

    Rotating the master key re-wraps every row; the blobs, encrypted under the data keys,
    are not touched.
    """

    __tablename__ = "data_key"
    __table_args__ = (UniqueConstraint("org_id", "generation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    generation: Mapped[int] = mapped_column()
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    master_key_id: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rewrapped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
