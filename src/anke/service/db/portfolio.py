"""Banks' IT assets: which product versions they run, how many, at what spend."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from anke.service.db.base import Base, UTCDateTime, utcnow
from anke.service.db.products import ProductVersion


class Asset(Base):
    """One line of a bank's IT portfolio."""

    __tablename__ = "asset"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("product_version.id"),
                                                   nullable=True, index=True)
    category: Mapped[str] = mapped_column(String(64), index=True)
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    spend: Mapped[Decimal] = mapped_column(Numeric(18, 2), default=Decimal(0))
    in_service_since: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[ProductVersion | None] = relationship()
