"""What vendors register and submit: products, their versions, submissions, attestations."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from anke.service.db.base import Base, UTCDateTime, enum_type, utcnow


class Product(Base):
    """A vendor's product; its category is one of the rulebooks' asset categories."""

    __tablename__ = "product"
    __table_args__ = (UniqueConstraint("vendor_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[ProductVersion]] = relationship(back_populates="product",
                                                          order_by="ProductVersion.id")


class ProductVersion(Base):
    """One released version of a product, the unit that is inspected, evaluated and owned."""

    __tablename__ = "product_version"
    __table_args__ = (UniqueConstraint("product_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    version: Mapped[str] = mapped_column(String(64))
    released_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    product: Mapped[Product] = relationship(back_populates="versions")


class Submission(Base):
    """An uploaded archive of one product version, stored encrypted as a blob."""

    __tablename__ = "submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("product_version.id"), index=True)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    blob_key: Mapped[str] = mapped_column(String(200), unique=True)
    data_key_id: Mapped[int] = mapped_column(ForeignKey("data_key.id"))
    cipher: Mapped[str] = mapped_column(String(16))
    manifest: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    # when the first inspection listed the members (None: not yet, the manifest is empty)
    manifest_listed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[ProductVersion] = relationship()


class AttestationStatus(StrEnum):
    """Where an evidence document stands with the inspectors."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Attestation(Base):
    """An evidence document a vendor uploads for a product version (an attested control)."""

    __tablename__ = "attestation"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("product_version.id"), index=True)
    evidence_type: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    blob_key: Mapped[str] = mapped_column(String(200), unique=True)
    data_key_id: Mapped[int] = mapped_column(ForeignKey("data_key.id"))
    cipher: Mapped[str] = mapped_column(String(16))
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[AttestationStatus] = mapped_column(
        enum_type(AttestationStatus), default=AttestationStatus.PENDING)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decision_note: Mapped[str] = mapped_column(Text, default="")

    version: Mapped[ProductVersion] = relationship()
